import {
  Card,
  CardActionArea,
  CardContent,
  CardMedia,
  Chip,
  Skeleton,
  Stack,
  Typography,
} from '@mui/material';
import { memo, type JSX } from 'react';
import type { QueueEntry } from '../../api/contract';

/** One image of the queue: its thumbnail, rank, owner, probability, flag and current label. */
export const QueueCard = memo(function QueueCard({
  entry,
  index,
  total,
  onOpen,
}: {
  entry: QueueEntry;
  /** Its place in the queue, from 0. */
  index: number;
  total: number;
  onOpen: (index: number, imageId: number) => void;
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
    <Card
      component="li"
      variant="outlined"
      data-testid="queue-entry"
      data-image-id={entry.imageId}
      // Only some cards are in the DOM: these tell assistive technology where this one stands.
      aria-posinset={index + 1}
      aria-setsize={total}
      sx={{ height: '100%' }}
    >
      <CardActionArea
        onClick={() => onOpen(index, entry.imageId)}
        aria-label={`Open ${entry.fileName}`}
        sx={{ height: '100%', display: 'flex', flexDirection: 'column', alignItems: 'stretch' }}
      >
        <CardMedia
          component="img"
          height="135"
          image={window.api?.imageUrl('thumb', entry.imageId)}
          alt={`Thumbnail of ${entry.fileName}`}
          decoding="async"
          // Element Timing: the queue benchmark reads when the first thumbnails were painted.
          elementtiming="queue-thumbnail"
          sx={{ objectFit: 'cover', flex: 'none' }}
        />
        <CardContent sx={{ p: 1.5, flex: 1, overflow: 'hidden' }}>
          <Typography variant="subtitle2" noWrap title={entry.fileName}>
            {index + 1}. {entry.fileName}
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
});

/** Where an entry will be once its page has arrived. */
export function QueueCardPlaceholder({ index, total }: { index: number; total: number }): JSX.Element {
  return (
    <Card
      component="li"
      variant="outlined"
      data-testid="queue-placeholder"
      aria-posinset={index + 1}
      aria-setsize={total}
      aria-busy
      sx={{ height: '100%' }}
    >
      <Skeleton variant="rectangular" height={135} animation={false} />
      <CardContent sx={{ p: 1.5 }}>
        <Typography variant="subtitle2">{index + 1}.</Typography>
        <Skeleton animation={false} />
        <Skeleton animation={false} width="60%" />
      </CardContent>
    </Card>
  );
}
