import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import type { JSX } from 'react';

/**
 * Asks before a save replaces protected ground truth (a confirmed diagnosis, or a melanoma value):
 * the labels every retraining learns from. Enter replaces (the focused button), Esc keeps the current
 * label; focus returns to where it was. An alertdialog, so the image view's keys stay quiet meanwhile.
 */
export function OverwriteDialog({
  current,
  next,
  reason,
  onConfirm,
  onKeep,
}: {
  current: string;
  next: string;
  reason: string;
  onConfirm: () => void;
  onKeep: () => void;
}): JSX.Element {
  return (
    <Dialog
      open
      role="alertdialog"
      onClose={onKeep}
      aria-labelledby="overwrite-title"
      aria-describedby="overwrite-text"
    >
      <DialogTitle id="overwrite-title">Replace the confirmed label?</DialogTitle>
      <DialogContent>
        <DialogContentText id="overwrite-text" component="div">
          <p>
            Current: <strong data-testid="overwrite-current">{current}</strong>
          </p>
          <p>
            New: <strong data-testid="overwrite-next">{next}</strong>
          </p>
          <p>{reason}</p>
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onKeep}>Keep current (Esc)</Button>
        {/* White on MUI's red is 5:1; on its orange (warning) 3.1:1, under AA's 4.5:1. */}
        <Button onClick={onConfirm} variant="contained" color="error" autoFocus>
          Replace (Enter)
        </Button>
      </DialogActions>
    </Dialog>
  );
}
