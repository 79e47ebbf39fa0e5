/**
 * A grid of fixed-height rows scrolled with the window, of which only the rows in view (and a few
 * beyond) are rendered: the queue of a 100k-image library would otherwise put 100k cards in the DOM.
 */
import { useCallback, useState } from 'react';
import { flushSync } from 'react-dom';

export interface GridLayout {
  /** Columns are as many as fit at this width or wider. */
  minColumnWidth: number;
  /** Every row's height, gap included. */
  rowHeight: number;
  gap: number;
  /** Rows rendered above and below the window. */
  overscan: number;
}

/** The rows in view, with the overscan: from `firstRow` up to, not including, `lastRow`. */
export interface GridView {
  columns: number;
  firstRow: number;
  lastRow: number;
}

export interface VirtualGrid extends GridView {
  /** The ref callback of the grid's element: it is measured on scroll and on any resize. */
  attach: (element: HTMLElement | null) => (() => void) | undefined;
}

/** The items of a grid of `count` to render: from `first` up to, not including, `last`. */
export function itemsInView(grid: GridView, count: number): { first: number; last: number } {
  const rows = Math.ceil(count / grid.columns);
  return {
    first: Math.min(grid.firstRow, rows) * grid.columns,
    last: Math.min(grid.lastRow * grid.columns, count),
  };
}

export function useVirtualGrid(layout: GridLayout): VirtualGrid {
  const [view, setView] = useState<GridView>({ columns: 1, firstRow: 0, lastRow: 0 });
  const attach = useCallback(
    (element: HTMLElement | null) => {
      if (!element) return undefined;
      const measure = (): void => {
        const next = visibleRows(element, layout);
        setView((current) => (sameView(current, next) ? current : next));
      };
      // Rendered before the frame is painted, so a fast scroll shows cards, not empty space.
      const onScroll = (): void => flushSync(measure);
      // The grid's own size, and the page's: content above the grid moves it without a scroll.
      const resized = new ResizeObserver(measure);
      resized.observe(element);
      resized.observe(document.documentElement);
      window.addEventListener('scroll', onScroll, { passive: true });
      window.addEventListener('resize', measure);
      // Now, while React commits: the first cards render before the browser paints, not a frame later.
      measure();
      return () => {
        resized.disconnect();
        window.removeEventListener('scroll', onScroll);
        window.removeEventListener('resize', measure);
      };
    },
    [layout],
  );
  return { attach, ...view };
}

/** The rows of `element` that the window shows now, with the overscan. */
function visibleRows(element: HTMLElement, layout: GridLayout): GridView {
  const box = element.getBoundingClientRect();
  const columns = Math.max(1, Math.floor((box.width + layout.gap) / (layout.minColumnWidth + layout.gap)));
  const top = Math.max(0, -box.top);
  const bottom = Math.max(0, window.innerHeight - box.top);
  return {
    columns,
    firstRow: Math.max(0, Math.floor(top / layout.rowHeight) - layout.overscan),
    lastRow: Math.ceil(bottom / layout.rowHeight) + layout.overscan,
  };
}

function sameView(a: GridView, b: GridView): boolean {
  return a.columns === b.columns && a.firstRow === b.firstRow && a.lastRow === b.lastRow;
}
