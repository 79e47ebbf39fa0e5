import {
  Box,
  Card,
  CardActionArea,
  CardContent,
  CardMedia,
  Chip,
  Stack,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { useCallback, useMemo, useState, type JSX } from 'react';
import type { ApiRequest, QueueEntry } from '../../api/contract';
import { CallStateView } from '../CallStateView';
import { ImageView } from '../image/ImageView';
import { useApiCall } from '../useApi';
import { filterRequest, NO_FILTERS, QueueFilters, type Filters } from './QueueFilters';

/** Images shown at once; the queue itself can hold far more. */
const PAGE = 200;

/** The ranked images: most suspicious first, or the unlabeled ones the model is least sure about. */
export function QueueView(): JSX.Element {
  const [order, setOrder] = useState<'probability' | 'uncertainty'>('probability');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const request = useMemo<ApiRequest<'queue'>>(
    () => ({
      order,
      limit: PAGE,
      ...filterRequest(filters),
      // "Label next" is about images nobody has labeled yet.
      ...(order === 'uncertainty' ? { labeled: false } : {}),
    }),
    [order, filters],
  );
  const { state, reload } = useApiCall('queue', request);
  const [selected, setSelected] = useState<number | null>(null);
  // The order to step through with ←/→: the last page shown, kept while a new one loads.
  const [stepOrder, setStepOrder] = useState<number[]>([]);
  const ids = state.status === 'ok' ? state.data.entries.map((e) => e.imageId) : stepOrder;
  if (state.status === 'ok' && ids.join() !== stepOrder.join()) setStepOrder(ids);
  const move = useCallback(
    (step: -1 | 1) =>
      setSelected((id) => {
        const at = id === null ? -1 : ids.indexOf(id);
        return ids[Math.min(Math.max(at + step, 0), ids.length - 1)] ?? id;
      }),
    [ids],
  );
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={3} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <ToggleButtonGroup
          exclusive
          size="small"
          value={order}
          onChange={(_event, value: typeof order | null) => value && setOrder(value)}
          aria-label="Order"
        >
          <ToggleButton value="probability">Most suspicious first</ToggleButton>
          <ToggleButton value="uncertainty">Label next</ToggleButton>
        </ToggleButtonGroup>
        <QueueFilters value={filters} onChange={setFilters} />
      </Stack>
      <CallStateView state={state} reload={reload} busyLabel="Ranking" errorTitle="Could not load the queue">
        {(page) => (
          <>
            <Typography variant="body2" color="text.secondary" data-testid="queue-model">
              Model {page.model} · suspicious at {(100 * page.threshold).toFixed(1)} % and above ·{' '}
              {page.entries.length} image(s)
            </Typography>
            {page.entries.length === 0 ? (
              <Typography sx={{ py: 4 }}>No images match. Import a folder to start.</Typography>
            ) : (
              <Box
                component="ol"
                aria-label="Ranked images"
                sx={{
                  display: 'grid',
                  gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
                  gap: 2,
                  listStyle: 'none',
                  p: 0,
                  m: 0,
                }}
              >
                {page.entries.map((entry, rank) => (
                  <QueueCard
                    key={entry.imageId}
                    entry={entry}
                    rank={rank + 1}
                    onOpen={() => setSelected(entry.imageId)}
                  />
                ))}
              </Box>
            )}
          </>
        )}
      </CallStateView>
      {selected !== null && (
        <ImageView
          imageId={selected}
          position={`${ids.indexOf(selected) + 1} of ${ids.length}`}
          onMove={move}
          onClose={() => setSelected(null)}
          onLabeled={reload}
        />
      )}
    </Stack>
  );
}

function QueueCard({
  entry,
  rank,
  onOpen,
}: {
  entry: QueueEntry;
  rank: number;
  onOpen: () => void;
}): JSX.Element {
  const label =
    entry.melanoma === null
      ? { text: 'Unlabeled', color: 'default' as const }
      : entry.melanoma
        ? { text: 'Melanoma', color: 'error' as const }
        : {
            text: `Not melanoma${entry.diagnosis ? ` (${entry.diagnosis})` : ''}`,
            color: 'success' as const,
          };
  return (
    <Card component="li" variant="outlined" data-testid="queue-entry" data-image-id={entry.imageId}>
      <CardActionArea onClick={onOpen} aria-label={`Open ${entry.fileName}`}>
        <CardMedia
          component="img"
          height="135"
          image={window.api?.imageUrl('thumb', entry.imageId)}
          alt={`Thumbnail of ${entry.fileName}`}
          sx={{ objectFit: 'cover' }}
        />
        <CardContent sx={{ p: 1.5, '&:last-child': { pb: 1.5 } }}>
          <Typography variant="subtitle2" noWrap title={entry.fileName}>
            {rank}. {entry.fileName}
          </Typography>
          <Typography variant="body2" color="text.secondary" noWrap>
            {entry.patient} · {entry.study}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center', flexWrap: 'wrap', gap: 0.5 }}>
            <Typography variant="h6" component="span" data-testid="probability">
              {(100 * entry.probability).toFixed(1)} %
            </Typography>
            {entry.suspicious && <Chip size="small" color="warning" label="Suspicious" />}
            <Chip size="small" variant="outlined" color={label.color} label={label.text} />
          </Stack>
        </CardContent>
      </CardActionArea>
    </Card>
  );
}
