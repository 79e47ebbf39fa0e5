/**
 * What a key does in the queue (the keys are listed in keyboard/keymap.ts). Plain code, so the moves
 * through the grid can be reasoned about without a window: the grid is `columns` wide, `total` long.
 */
import { NO_FILTERS, type Filters, type Order } from './queueQuery';

export type QueueKeyAction =
  | { kind: 'focus'; index: number }
  | { kind: 'open'; index: number }
  | { kind: 'order'; order: Order }
  | { kind: 'filters'; filters: Filters }
  | { kind: 'patient-list' };

export interface QueuePosition {
  /** The card with the keyboard's focus (or the one that had it, if it has scrolled out of the DOM). */
  index: number;
  columns: number;
  total: number;
  filters: Filters;
  /**
   * Where the key was pressed: on a card, on the page itself (nothing focused, e.g. after the focused
   * card scrolled out of the DOM), or in another control, whose arrows and Enter are its own.
   */
  from: 'card' | 'page' | 'control';
}

/** The action of `key` (KeyboardEvent.key) at `at`, or null when the queue leaves the key alone. */
export function queueKeyAction(key: string, at: QueuePosition): QueueKeyAction | null {
  const move = at.from !== 'control' && at.total > 0 ? step(key, at) : null;
  if (move !== null) return { kind: 'focus', index: Math.min(Math.max(move, 0), at.total - 1) };
  // A focused card's own button opens it on Enter; the page's Enter opens the card that had the focus.
  if (key === 'Enter') return at.from === 'page' && at.total > 0 ? { kind: 'open', index: at.index } : null;
  switch (key.toLowerCase()) {
    case 'r':
      return { kind: 'order', order: 'probability' };
    case 'n':
      return { kind: 'order', order: 'uncertainty' };
    case 'u':
      return {
        kind: 'filters',
        filters: { ...at.filters, label: at.filters.label === 'unlabeled' ? 'any' : 'unlabeled' },
      };
    case 's':
      return { kind: 'filters', filters: { ...at.filters, suspicious: !at.filters.suspicious } };
    case 'a':
      return { kind: 'filters', filters: NO_FILTERS };
    case 'p':
      return { kind: 'patient-list' };
    default:
      return null;
  }
}

function step(key: string, { index, columns, total }: QueuePosition): number | null {
  switch (key) {
    case 'ArrowRight':
    case 'j':
    case 'J':
      return index + 1;
    case 'ArrowLeft':
    case 'k':
    case 'K':
      return index - 1;
    // Beyond the first or the last row: the first or the last card (see the clamp above).
    case 'ArrowDown':
      return index + columns;
    case 'ArrowUp':
      return index - columns;
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    default:
      return null;
  }
}
