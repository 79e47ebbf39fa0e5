/**
 * The key of a plain keypress meant as a shortcut of the image view, or null: typing in a field, and
 * keys held with Ctrl, Cmd or Alt (the browser's and the system's own, e.g. Ctrl + for page zoom), are
 * left alone.
 */
export function shortcutKey(event: KeyboardEvent): string | null {
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return null;
  if (target instanceof HTMLElement && target.isContentEditable) return null;
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return event.key;
}
