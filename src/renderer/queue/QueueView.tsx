import { Button, Stack, Typography } from '@mui/material';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type JSX } from 'react';
import { shortcutKey } from '../image/shortcuts';
import { CallStateView, ErrorText, RetryAlert } from '../CallStateView';
import { percent } from '../percent';
import type { CallState } from '../useApi';
import { QueueCard, QueueCardPlaceholder, QueueGridStyles } from './QueueCard';
import {
  CARD_HEIGHT,
  FIRST_ORDER,
  GAP,
  MIN_COLUMN_WIDTH,
  NO_FILTERS,
  THUMBNAIL_HEIGHT,
  queueQuery,
  type Filters,
  type Order,
} from './queueQuery';
import { EmptyLibrary } from './EmptyLibrary';
import { queueKeyAction, type QueuePosition } from './queueKeys';
import { useAfterFirstPage } from './useAfterFirstPage';
import { INDEX_ATTRIBUTE, useGridFocus, type GridFocus } from './useGridFocus';
import { useQueuePages, type QueuePages } from './useQueuePages';
import {
  itemsInView,
  useVirtualGrid,
  type GridLayout,
  type GridView,
  type VirtualGrid,
} from './useVirtualGrid';

const QueueControls = lazy(() =>
  import('./QueueControls').then((module) => ({ default: module.QueueControls })),
);
// Loaded when an image is first opened: the queue's first page need not wait for the image view's code.
const ImageView = lazy(() => import('../image/ImageView').then((module) => ({ default: module.ImageView })));

/** Where the order and filter controls will be, as high as their one line of small MUI fields. */
const controlsSpace = <div style={{ minHeight: 40 }} />;
const LAYOUT: GridLayout = {
  minColumnWidth: MIN_COLUMN_WIDTH,
  rowHeight: CARD_HEIGHT + GAP,
  gap: GAP,
  overscan: 2,
};

/** The image open in the image view, and where it stood in the queue when it was opened or reached. */
interface Selection {
  index: number;
  imageId: number;
}

/** The ranked images: most suspicious first, or the unlabeled ones the model is least sure about. */
export function QueueView({
  initialFilters = NO_FILTERS,
  onImport,
}: {
  initialFilters?: Filters;
  /** Goes to the import screen: the way out of an empty library. */
  onImport: () => void;
}): JSX.Element {
  const [order, setOrder] = useState<Order>(FIRST_ORDER);
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const query = useMemo(() => queueQuery(order, filters), [order, filters]);
  const grid = useVirtualGrid(LAYOUT);
  const gridElement = useRef<HTMLElement | null>(null);
  const { attach: attachGrid } = grid;
  const attach = useCallback(
    (element: HTMLElement | null) => {
      gridElement.current = element;
      return attachGrid(element);
    },
    [attachGrid],
  );
  const focus = useGridFocus(gridElement, {
    columns: grid.columns,
    rowHeight: LAYOUT.rowHeight,
    cardHeight: CARD_HEIGHT,
  });
  const queue = useQueuePages(query, grid.firstRow * grid.columns, grid.lastRow * grid.columns);
  const total = queue.summary?.total ?? 0;
  const [selected, setSelected] = useState<Selection | null>(null);
  const open = useCallback((index: number, imageId: number) => setSelected({ index, imageId }), []);
  const { entryAt, load } = queue;
  const move = useCallback(
    (step: -1 | 1) => {
      if (!selected || total === 0) return;
      // After a label, "label next" drops the image: the one that followed it now stands in its place.
      const dropped = entryAt(selected.index)?.imageId !== selected.imageId && step === 1;
      const index = Math.min(Math.max(selected.index + (dropped ? 0 : step), 0), total - 1);
      // A page that cannot be fetched shows as the queue's error; the image view stays where it is.
      load(index).then(
        (entry) => {
          if (entry) setSelected((now) => (now === selected ? { index, imageId: entry.imageId } : now));
        },
        () => undefined,
      );
    },
    [selected, entryAt, load, total],
  );
  const controlsShown = useAfterFirstPage(queue.summary !== null || queue.error !== null);
  const [patientListOpen, setPatientListOpen] = useState(false);
  const { focusCard } = focus;
  // The first card takes the focus when the app opens and whenever the queue is asked for anew.
  const focusedQuery = useRef<typeof query | null>(null);
  const arrived = queue.summary !== null && total > 0;
  useEffect(() => {
    if (!arrived || focusedQuery.current === query) return;
    focusedQuery.current = query;
    focusCard(0);
  }, [arrived, query, focusCard]);
  const position: Omit<QueuePosition, 'from'> = { index: focus.index, columns: grid.columns, total, filters };
  useQueueKeys(selected === null ? position : null, {
    focusCard,
    open: (index) => {
      const entry = entryAt(index);
      if (entry) open(index, entry.imageId);
    },
    setOrder,
    setFilters,
    openPatientList: () => setPatientListOpen(true),
  });
  // An empty library has nothing to order or filter: its page is the first-launch text alone.
  const emptyLibrary = queue.summary?.total === 0 && unfiltered(order, filters);
  if (emptyLibrary) return <EmptyLibrary onImport={onImport} />;
  return (
    <Stack spacing={2}>
      <Suspense fallback={controlsSpace}>
        {controlsShown ? (
          <QueueControls
            order={order}
            filters={filters}
            onOrder={setOrder}
            onFilters={setFilters}
            patientListOpen={patientListOpen}
            onPatientList={setPatientListOpen}
          />
        ) : (
          controlsSpace
        )}
      </Suspense>
      <CallStateView
        state={callState(queue)}
        reload={queue.reload}
        busyLabel="Ranking"
        errorTitle="Could not load the queue"
      >
        {(summary) => (
          <>
            <Typography variant="body2" color="text.secondary" data-testid="queue-model">
              Model {summary.model} · suspicious at {percent(summary.threshold)} and above · {summary.total}{' '}
              image(s)
            </Typography>
            {queue.error && (
              <RetryAlert onRetry={queue.reload}>
                Some of the queue could not be loaded. <ErrorText {...queue.error} />
              </RetryAlert>
            )}
            {summary.total === 0 ? (
              <Stack direction="row" spacing={2} sx={{ py: 4, alignItems: 'center' }}>
                <Typography>No images match these filters.</Typography>
                <Button onClick={() => setFilters(NO_FILTERS)} aria-keyshortcuts="A">
                  Show all images
                </Button>
              </Stack>
            ) : (
              <QueueGrid
                attach={attach}
                view={grid}
                queue={queue}
                total={summary.total}
                focus={focus}
                onOpen={open}
              />
            )}
          </>
        )}
      </CallStateView>
      {selected !== null && (
        <Suspense fallback={null}>
          <ImageView
            imageId={selected.imageId}
            position={`${selected.index + 1} of ${total}`}
            onMove={move}
            onClose={() => {
              setSelected(null);
              // Back to the card of the image last shown, which ← and → may have moved far from.
              focusCard(selected.index);
            }}
            onLabeled={queue.reload}
          />
        </Suspense>
      )}
    </Stack>
  );
}

/** The whole ranked library: an empty queue then means an empty library. */
function unfiltered(order: Order, filters: Filters): boolean {
  return (
    order === FIRST_ORDER &&
    (Object.keys(NO_FILTERS) as (keyof Filters)[]).every((k) => filters[k] === NO_FILTERS[k])
  );
}

/** The queue's first answer decides between the spinner, the error and the grid. */
function callState(queue: QueuePages): CallState<NonNullable<QueuePages['summary']>> {
  if (queue.summary) return { status: 'ok', data: queue.summary };
  return queue.error ? { status: 'error', ...queue.error } : { status: 'loading' };
}

/** The cards in view, and empty space for the rest, so the scrollbar spans the whole queue. */
function QueueGrid({
  attach,
  view,
  queue,
  total,
  focus,
  onOpen,
}: {
  attach: VirtualGrid['attach'];
  view: GridView;
  queue: QueuePages;
  total: number;
  focus: GridFocus;
  onOpen: (index: number, imageId: number) => void;
}): JSX.Element {
  const { first, last } = itemsInView(view, total);
  const cards: JSX.Element[] = [];
  for (let index = first; index < last; index++) {
    const entry = queue.entryAt(index);
    cards.push(
      entry ? (
        <QueueCard
          key={entry.imageId}
          entry={entry}
          index={index}
          total={total}
          focusable={index === focus.index}
          onOpen={onOpen}
        />
      ) : (
        <QueueCardPlaceholder key={`at-${index}`} index={index} total={total} />
      ),
    );
  }
  return (
    <>
      <QueueGridStyles cardHeight={CARD_HEIGHT} gap={GAP} thumbnailHeight={THUMBNAIL_HEIGHT} />
      <ol
        ref={attach}
        aria-label="Ranked images"
        className="queue-grid"
        onFocus={focus.onFocus}
        style={{
          gridTemplateColumns: `repeat(${view.columns}, minmax(0, 1fr))`,
          height: Math.ceil(total / view.columns) * LAYOUT.rowHeight,
          paddingTop: (first / view.columns) * LAYOUT.rowHeight,
        }}
      >
        {cards}
      </ol>
    </>
  );
}

/** What the queue does with the keys of keyboard/keymap.ts, while `at` is given (no image is open). */
function useQueueKeys(
  at: Omit<QueuePosition, 'from'> | null,
  act: {
    focusCard: (index: number) => void;
    open: (index: number) => void;
    setOrder: (order: Order) => void;
    setFilters: (filters: Filters) => void;
    openPatientList: () => void;
  },
): void {
  // The latest position and actions, read when a key comes: the listener itself stays put.
  const latest = useRef({ at, act });
  useEffect(() => {
    latest.current = { at, act };
  });
  const listening = at !== null;
  useEffect(() => {
    if (!listening) return undefined;
    const onKey = (event: KeyboardEvent): void => {
      const { at: now, act: actions } = latest.current;
      const key = shortcutKey(event);
      if (!now || key === null || event.defaultPrevented || inPopup(event.target)) return;
      const action = queueKeyAction(key, { ...now, from: keyOrigin(event.target) });
      if (!action) return;
      event.preventDefault();
      if (action.kind === 'focus') actions.focusCard(action.index);
      else if (action.kind === 'open') actions.open(action.index);
      else if (action.kind === 'order') actions.setOrder(action.order);
      else if (action.kind === 'filters') actions.setFilters(action.filters);
      else actions.openPatientList();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [listening]);
}

/** A menu, a list of options or a dialog has keys of its own (type-ahead, Esc, Enter). */
function inPopup(target: EventTarget | null): boolean {
  return (
    target instanceof Element && target.closest('[role="dialog"], [role="listbox"], [role="menu"]') !== null
  );
}

function keyOrigin(target: EventTarget | null): QueuePosition['from'] {
  if (target === document.body || target === document.documentElement || target === null) return 'page';
  return target instanceof Element && target.closest(`[${INDEX_ATTRIBUTE}]`) ? 'card' : 'control';
}
