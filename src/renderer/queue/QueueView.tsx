import { Stack, Typography } from '@mui/material';
import { lazy, Suspense, useCallback, useMemo, useState, type JSX } from 'react';
import { CallStateView, RetryAlert } from '../CallStateView';
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
import { useAfterFirstPage } from './useAfterFirstPage';
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
export function QueueView(): JSX.Element {
  const [order, setOrder] = useState<Order>(FIRST_ORDER);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const query = useMemo(() => queueQuery(order, filters), [order, filters]);
  const grid = useVirtualGrid(LAYOUT);
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
  return (
    <Stack spacing={2}>
      <Suspense fallback={controlsSpace}>
        {controlsShown ? (
          <QueueControls order={order} filters={filters} onOrder={setOrder} onFilters={setFilters} />
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
                Some of the queue could not be loaded: {queue.error}
              </RetryAlert>
            )}
            {summary.total === 0 ? (
              <Typography sx={{ py: 4 }}>No images match. Import a folder to start.</Typography>
            ) : (
              <QueueGrid attach={grid.attach} view={grid} queue={queue} total={summary.total} onOpen={open} />
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
            onClose={() => setSelected(null)}
            onLabeled={queue.reload}
          />
        </Suspense>
      )}
    </Stack>
  );
}

/** The queue's first answer decides between the spinner, the error and the grid. */
function callState(queue: QueuePages): CallState<NonNullable<QueuePages['summary']>> {
  if (queue.summary) return { status: 'ok', data: queue.summary };
  return queue.error ? { status: 'error', message: queue.error } : { status: 'loading' };
}

/** The cards in view, and empty space for the rest, so the scrollbar spans the whole queue. */
function QueueGrid({
  attach,
  view,
  queue,
  total,
  onOpen,
}: {
  attach: VirtualGrid['attach'];
  view: GridView;
  queue: QueuePages;
  total: number;
  onOpen: (index: number, imageId: number) => void;
}): JSX.Element {
  const { first, last } = itemsInView(view, total);
  const cards: JSX.Element[] = [];
  for (let index = first; index < last; index++) {
    const entry = queue.entryAt(index);
    cards.push(
      entry ? (
        <QueueCard key={entry.imageId} entry={entry} index={index} total={total} onOpen={onOpen} />
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
