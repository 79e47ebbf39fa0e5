/**
 * True once the queue's first page has been painted. The queue's order and filter controls (MUI
 * selects, a third of a second to render on a slow PC) wait for it, so the ranked thumbnails show
 * first when the app opens; later mounts of the queue show them at once.
 */
import { useEffect, useState } from 'react';

let firstPageShown = false;

/** `settled`: the queue's first answer, a page or an error, is here. */
export function useAfterFirstPage(settled: boolean): boolean {
  const [shown, setShown] = useState(firstPageShown);
  useEffect(() => {
    if (shown || !settled) return undefined;
    // Idle once the cards are painted and their thumbnails decoded; or after a second at the latest.
    const idle = requestIdleCallback(
      () => {
        firstPageShown = true;
        setShown(true);
      },
      { timeout: 1000 },
    );
    return () => cancelIdleCallback(idle);
  }, [shown, settled]);
  return shown;
}
