/**
 * The keyboard's place in the virtual grid. Only the rows in view are in the DOM, so the focused card
 * is kept as an index: moving to a card scrolls its row into view, and the card is focused after the
 * next render that has it (at once, after the scroll, or after its page arrives). After, not at once:
 * a closing dialog hands the focus back to where it came from as it unmounts, which would undo it.
 * One card at a time is a Tab stop (a roving tabindex), so Tab reaches the queue in one press, not one
 * per card.
 */
import { useCallback, useEffect, useRef, useState, type FocusEvent } from 'react';

/** The attribute each card's element carries: its place in the queue, from 0. */
export const INDEX_ATTRIBUTE = 'data-queue-index';

export interface GridFocus {
  /** The card that is, or was last, focused. */
  index: number;
  /** Scrolls to the card at `index` and focuses it as soon as it is rendered. */
  focusCard(index: number): void;
  /** For the grid's element: a card focused by a click or Tab becomes the keyboard's place. */
  onFocus(event: FocusEvent<HTMLElement>): void;
}

export function useGridFocus(
  grid: { current: HTMLElement | null },
  layout: { columns: number; rowHeight: number; cardHeight: number },
): GridFocus {
  const [index, setIndex] = useState(0);
  // Bumped with each request, so that one for the card the index already names still renders.
  const [, setRequests] = useState(0);
  const pending = useRef<number | null>(null);
  const { columns, rowHeight, cardHeight } = layout;

  const focusPending = useCallback(() => {
    if (pending.current === null) return;
    const selector = `[${INDEX_ATTRIBUTE}="${pending.current}"] button`;
    const button = grid.current?.querySelector<HTMLElement>(selector);
    if (!button) return;
    pending.current = null;
    button.focus({ preventScroll: true });
  }, [grid]);

  const focusCard = useCallback(
    (next: number) => {
      setIndex(next);
      setRequests((n) => n + 1);
      pending.current = next;
      const element = grid.current;
      if (!element) return;
      const top =
        element.getBoundingClientRect().top + window.scrollY + Math.floor(next / columns) * rowHeight;
      const margin = rowHeight - cardHeight;
      if (top < window.scrollY) window.scrollTo(0, top - margin);
      else if (top + cardHeight > window.scrollY + window.innerHeight) {
        window.scrollTo(0, top + cardHeight + margin - window.innerHeight);
      }
    },
    [grid, columns, rowHeight, cardHeight],
  );

  // After every render: the card asked for may have just been rendered (by a scroll or a page).
  useEffect(focusPending);

  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    const card = event.target.closest(`[${INDEX_ATTRIBUTE}]`);
    const at = Number(card?.getAttribute(INDEX_ATTRIBUTE));
    if (card && Number.isInteger(at)) setIndex(at);
  }, []);

  return { index, focusCard, onFocus };
}
