/**
 * Every key of every screen, with what it does: the one table the key sheet (`?`) shows and the
 * README's key list is checked against (test/unit/keymap-readme.test.ts), so the three cannot drift.
 * A screen that handles a key lists it here.
 */

export interface KeyBinding {
  /** The key or keys as written on the keyboard, e.g. "J ↓" or "Shift + H". */
  keys: string;
  action: string;
}

export interface KeySection {
  /** Where the keys work, as the screen is named in the window. */
  screen: string;
  bindings: readonly KeyBinding[];
}

export const GLOBAL_KEYS: readonly KeyBinding[] = [
  { keys: '?', action: 'This list of keys' },
  { keys: 'Tab', action: 'Next control; the queue is one stop' },
];

/** The queue's keys (src/renderer/queue/queueKeys.ts handles them). */
export const QUEUE_KEYS: readonly KeyBinding[] = [
  { keys: '← →', action: 'Previous, next card' },
  { keys: '↑ ↓', action: 'Card above, below' },
  { keys: 'K J', action: 'Previous, next card' },
  { keys: 'Home End', action: 'First, last card' },
  { keys: 'Enter', action: 'Open the image' },
  { keys: 'R', action: 'Order: most suspicious first' },
  { keys: 'N', action: 'Order: label next (the unlabeled images the model is least sure about)' },
  { keys: 'U', action: 'Unlabeled only, on or off' },
  { keys: 'S', action: 'Suspicious only, on or off' },
  { keys: 'P', action: 'Choose the patient' },
  { keys: 'A', action: 'All images: clear the filters' },
];

/** The image view's keys (src/renderer/image/*). */
export const IMAGE_VIEW_KEYS: readonly KeyBinding[] = [
  { keys: 'M', action: 'Melanoma' },
  { keys: 'N', action: 'Not melanoma' },
  {
    keys: '1 2 3 …',
    action:
      'Diagnosis: the digit beside each in its menu (1 nevus, 2 benign keratosis, 3 basal cell carcinoma …)',
  },
  {
    keys: 'H C F O L',
    action: 'How it was confirmed: histopathology, consensus, follow-up, confocal, clinical',
  },
  {
    keys: 'Shift + H C F O L',
    action: "The session's confirmation, recorded with M, N and the digits (again: none)",
  },
  { keys: 'U', action: 'Undo the last change of the label' },
  { keys: 'Enter', action: 'Asked to replace a confirmed label: replace it (Esc keeps it)' },
  { keys: '← →', action: 'Previous, next image' },
  { keys: '+ − 0', action: 'Zoom in, out, fit' },
  { keys: 'E', action: 'Heatmap on or off' },
  { keys: 'R', action: 'Heatmap as an outline, or filled' },
  { keys: '[ ]', action: 'Heatmap fainter, stronger' },
  { keys: 'Esc', action: 'Back to the queue' },
];

export const KEYMAP: readonly KeySection[] = [
  { screen: 'Everywhere', bindings: GLOBAL_KEYS },
  { screen: 'Triage queue', bindings: QUEUE_KEYS },
  { screen: 'Image view', bindings: IMAGE_VIEW_KEYS },
];
