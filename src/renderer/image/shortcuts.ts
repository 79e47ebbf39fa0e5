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
