import {
  Box,
  Chip,
  Dialog,
  DialogContent,
  DialogTitle,
  IconButton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@mui/material';
import { useEffect, useMemo, useState, type JSX } from 'react';
import type { ImageDetail } from '../../api/contract';
import { CallStateView } from '../CallStateView';
import { useApiCall } from '../useApi';
import { LabelPanel } from './LabelPanel';
import { ImageViewer } from './ImageViewer';
import { shortcutKey } from './shortcuts';

/**
 * One image at full size (zoom, pan and the heatmap in ImageViewer) with what the model says, its
 * details and label history, and the labeling controls. ←/→ move through the queue; the label keys are
 * in LabelPanel, the zoom and heatmap keys in ImageViewer.
 */
export function ImageView({
  imageId,
  position,
  onMove,
  onClose,
  onLabeled,
}: {
  imageId: number;
  /** e.g. "3 of 200", for the title. */
  position: string;
  onMove: (step: -1 | 1) => void;
  onClose: () => void;
  onLabeled: () => void;
}): JSX.Element {
  const request = useMemo(() => ({ imageId }), [imageId]);
  const { state, reload } = useApiCall('imageDetail', request);
  const [saveError, setSaveError] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const key = shortcutKey(event);
      if (key === 'ArrowRight') onMove(1);
      else if (key === 'ArrowLeft') onMove(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onMove]);

  return (
    <Dialog open fullWidth maxWidth="lg" onClose={onClose} aria-labelledby="image-title">
      <DialogTitle id="image-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Box sx={{ flex: 1 }}>
          Image {position}
          {state.status === 'ok' && ` · ${state.data.fileName}`}
        </Box>
        <IconButton aria-label="Previous image (←)" onClick={() => onMove(-1)}>
          ‹
        </IconButton>
        <IconButton aria-label="Next image (→)" onClick={() => onMove(1)}>
          ›
        </IconButton>
        <IconButton aria-label="Close" onClick={onClose}>
          ×
        </IconButton>
      </DialogTitle>
      <DialogContent dividers>
        {/* minmax(0, …): a long word or a wide control wraps inside its column instead of widening the page. */}
        <Box
          sx={{
            display: 'grid',
            gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 3fr) minmax(0, 2fr)' },
            gap: 3,
          }}
        >
          <ImageViewer imageId={imageId} />
          <CallStateView
            state={state}
            reload={reload}
            busyLabel="Loading the image"
            errorTitle="Could not load the image"
          >
            {(detail) => (
              <Stack spacing={2}>
                <Prediction detail={detail} />
                <LabelPanel
                  detail={detail}
                  onSaved={() => {
                    setSaveError(null);
                    reload();
                    onLabeled();
                  }}
                  onError={setSaveError}
                />
                {saveError && (
                  <Typography role="alert" color="error">
                    {saveError}
                  </Typography>
                )}
                <Metadata detail={detail} />
              </Stack>
            )}
          </CallStateView>
        </Box>
      </DialogContent>
    </Dialog>
  );
}

function Prediction({ detail }: { detail: ImageDetail }): JSX.Element {
  if (!detail.prediction) return <Typography>Not scored by the model yet.</Typography>;
  const { probability, suspicious, model } = detail.prediction;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
      <Typography variant="h4" component="p" data-testid="detail-probability">
        {(100 * probability).toFixed(1)} %
      </Typography>
      {suspicious && <Chip color="warning" label="Suspicious" />}
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        melanoma probability, model {model}
      </Typography>
    </Stack>
  );
}

function Metadata({ detail }: { detail: ImageDetail }): JSX.Element {
  const rows: [string, string][] = [
    ['Patient', detail.patient],
    ['Study', detail.study],
    [
      'Size',
      `${detail.width} × ${detail.height} px, ${detail.format}, ${(detail.bytes / 1024).toFixed(0)} kB`,
    ],
    ['Captured', detail.capturedAt ?? 'unknown'],
    ['Imported', detail.importedAt],
    ['Body site', detail.bodySite ?? '—'],
    ['Lesion', detail.lesionId ?? '—'],
  ];
  return (
    <Table size="small" aria-label="Image details">
      <TableBody>
        {rows.map(([name, value]) => (
          <TableRow key={name}>
            <TableCell component="th" scope="row" sx={{ color: 'text.secondary', width: '30%' }}>
              {name}
            </TableCell>
            <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
