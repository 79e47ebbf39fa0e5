/**
 * The key of a plain keypress meant as a shortcut of the image view, or null: typing in a field, keys
 * held with Ctrl, Cmd or Alt (the browser's and the system's own, e.g. Ctrl + for page zoom), and keys
 * pressed in a question the view asks (an alertdialog: its Enter and Esc are its own), are left alone.
 */
export function shortcutKey(event: KeyboardEvent): string | null {
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return null;
  if (target instanceof HTMLElement && target.isContentEditable) return null;
  if (target instanceof Element && target.closest('[role="alertdialog"]')) return null;
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return event.key;
}

/**
 * A shortcut of the image view, or null also while another dialog is open above it (the list of keys,
 * the overwrite question): MUI then hides the view (aria-hidden), and M pressed while reading the list
 * must not label the image behind it.
 */
export function imageViewKey(event: KeyboardEvent): string | null {
  const view = document.getElementById(IMAGE_TITLE_ID);
  if (view?.closest('[aria-hidden="true"]')) return null;
  return shortcutKey(event);
}

/** The id of the image view's title, which names the dialog. */
export const IMAGE_TITLE_ID = 'image-title';
