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
import { useCallback, useEffect, useMemo, useState, type JSX } from 'react';
import type { ImageDetail } from '../../api/contract';
import { CallStateView, ErrorText } from '../CallStateView';
import { callErrorOf, useApiCall, type CallError } from '../useApi';
import { LabelPanel } from './LabelPanel';
import { SavedSnackbar, undoChange, type SavedChange, type SavedNotice } from './SavedNotice';
import { ImageViewer } from './ImageViewer';
import { IMAGE_TITLE_ID, imageViewKey } from './shortcuts';
import { formatDate, formatDateTime } from '../format/dateTime';
import { TEXT_14 } from '../readingSize';

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
  const [saveError, setSaveError] = useState<CallError | null>(null);
  const [saved, setSaved] = useState<SavedNotice | null>(null);
  // The title keeps naming the patient while the details reload after a save.
  const [shown, setShown] = useState<ImageDetail | null>(null);
  if (state.status === 'ok' && state.data !== shown) setShown(state.data);
  const identity = shown?.id === imageId ? shown : null;

  const afterSave = useCallback(
    (notice: Omit<SavedNotice, 'seq'>) => {
      setSaveError(null);
      setSaved({ ...notice, seq: (saved?.seq ?? 0) + 1 });
      if (notice.change.imageId === imageId) reload();
      onLabeled();
    },
    [imageId, reload, onLabeled, saved?.seq],
  );
  const undoSaved = (change: SavedChange): void => {
    undoChange(change).then(
      (message) => afterSave({ change: { ...change, before: change.after, after: change.before }, message }),
      (error: unknown) => setSaveError(callErrorOf(error)),
    );
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const key = imageViewKey(event);
      if (key === 'ArrowRight') onMove(1);
      else if (key === 'ArrowLeft') onMove(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onMove]);

  return (
    <Dialog open fullWidth maxWidth="lg" onClose={onClose} aria-labelledby={IMAGE_TITLE_ID}>
      <DialogTitle id={IMAGE_TITLE_ID} sx={{ display: 'flex', alignItems: 'center', gap: 1, py: 1 }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          {/* Whose image it is, above everything that can scroll: labels go to the patient shown here. */}
          <Typography
            component="span"
            variant="h6"
            data-testid="image-identity"
            sx={{ display: 'block', overflowWrap: 'anywhere' }}
          >
            {identity ? identityOf(identity) : 'Loading…'}
          </Typography>
          <Typography
            component="span"
            variant="body2"
            color="text.secondary"
            data-testid="image-position"
            sx={{ display: 'block' }}
          >
            Image {position}
            {identity && ` · ${identity.fileName}`}
          </Typography>
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
                  onSaved={(change) => afterSave({ change, message: change.message, undoable: true })}
                  undoLast={
                    saved?.undoable && saved.change.imageId === detail.id
                      ? () => undoSaved(saved.change)
                      : undefined
                  }
                  onError={setSaveError}
                />
                {saveError && (
                  <Typography role="alert" color="error">
                    <ErrorText {...saveError} />
                  </Typography>
                )}
                <Metadata detail={detail} />
              </Stack>
            )}
          </CallStateView>
        </Box>
      </DialogContent>
      {/* Inside the dialog: outside it, the modal would hide it from screen readers and the keyboard. */}
      <SavedSnackbar notice={saved} onUndo={(change) => undoSaved(change)} onClose={() => setSaved(null)} />
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
      {/* Black on MUI's orange is 6.7:1; its white text is 3.1:1, under AA's 4.5:1. */}
      {suspicious && <Chip color="warning" label="Suspicious" sx={{ ...TEXT_14, color: 'common.black' }} />}
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        melanoma probability, model {model}
      </Typography>
    </Stack>
  );
}

/** Patient · study · date: the study's date, or else the day the photograph was taken. */
function identityOf(detail: ImageDetail): string {
  const day = detail.studyDate ?? detail.capturedAt;
  const date = day ? formatDate(day) : 'date unknown';
  return `${detail.patient} · ${detail.study} · ${date}`;
}

function Metadata({ detail }: { detail: ImageDetail }): JSX.Element {
  const rows: [string, string][] = [
    ['Patient', detail.patient],
    ['Study', detail.study],
    [
      'Size',
      `${detail.width} × ${detail.height} px, ${detail.format}, ${(detail.bytes / 1024).toFixed(0)} kB`,
    ],
    ['Study date', detail.studyDate ? formatDate(detail.studyDate) : '—'],
    ['Captured', detail.capturedAt ? formatDateTime(detail.capturedAt) : 'unknown'],
    ['Imported', formatDateTime(detail.importedAt)],
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
