import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import type { JSX } from 'react';
import type { RetrainEstimate } from '../../api/contract';
import { formatDateTime } from '../format/dateTime';

/** "about 42 minutes", "about 1 h 20 min": an estimate, so no seconds once it is minutes long. */
export function duration(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} minutes`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** What a deep retraining will cost, from this machine's last one, before it is started. */
export function DeepRetrainDialog({
  estimate,
  onStart,
  onClose,
}: {
  estimate: RetrainEstimate | null;
  onStart: () => void;
  onClose: () => void;
}): JSX.Element {
  const measured = estimate?.measured;
  return (
    <Dialog open={estimate !== null} onClose={onClose} aria-labelledby="deep-retrain-title">
      <DialogTitle id="deep-retrain-title">Start a deep retraining?</DialogTitle>
      <DialogContent>
        <DialogContentText data-testid="deep-retrain-estimate">
          {measured
            ? `It goes through about ${estimate.images.toLocaleString()} images and should take ` +
              `${duration(measured.seconds)}, at the ${measured.imagesPerSecond.toFixed(1)} images per second ` +
              `the last deep retraining measured on this machine (${formatDateTime(measured.at)}).`
            : 'No deep retraining has finished in this library yet, so there is no rate measured on this ' +
              'machine to estimate its time from. It fine-tunes part of the network on every training ' +
              'image and can take a long time; it can be cancelled.'}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Not now</Button>
        <Button variant="contained" onClick={onStart} autoFocus>
          Start deep retraining
        </Button>
      </DialogActions>
    </Dialog>
  );
}
