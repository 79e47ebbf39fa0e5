import { Alert, Button, Snackbar } from '@mui/material';
import type { JSX } from 'react';
import { describeLabel, overwriteReason } from '../../api/label-change';
import type { LabelChoice } from './labelChoice';
import { TEXT_14 } from '../readingSize';

/** What a save did, for the message that offers to undo it. */
export interface SavedChange {
  imageId: number;
  /** e.g. "Saved: Melanoma, histopathology". */
  message: string;
  /** The label before the save (null: none), which Undo puts back. */
  before: LabelChoice | null;
  /** The label the save left (null: withdrawn), which Undo replaces. */
  after: LabelChoice | null;
}

/** A save just made, told with an Undo; an undo is told without one. */
export interface SavedNotice {
  change: SavedChange;
  message: string;
  undoable?: boolean;
  /** Counts the notices, so each one shows for its own full time. */
  seq: number;
}

/**
 * Puts back the label a save replaced (or withdraws a first label), as U does just after the save.
 * Clicking Undo beside what was saved confirms it, so a protected label is put back without asking.
 */
export async function undoChange({ imageId, before, after }: SavedChange): Promise<string> {
  const api = window.api;
  if (!api) throw new Error('window.api is missing: this page must run inside the app');
  if (!before) {
    await api.withdrawLabel({ imageId });
    return 'Undone: the image is unlabeled again';
  }
  const protectedChange = after !== null && overwriteReason(after, before) !== null;
  await api.saveLabel({ imageId, ...before, ...(protectedChange ? { overwrite: true } : {}) });
  return `Undone: back to ${describeLabel(before)}`;
}

/**
 * The notice of the last save, with its Undo, until it times out or the next one replaces it. Render
 * it inside the image's dialog: outside, the modal would hide it from screen readers and the keyboard.
 */
export function SavedSnackbar({
  notice,
  onUndo,
  onClose,
}: {
  notice: SavedNotice | null;
  onUndo: (change: SavedChange) => void;
  onClose: () => void;
}): JSX.Element {
  return (
    <Snackbar
      key={notice?.seq}
      open={notice !== null}
      autoHideDuration={8000}
      onClose={(_event, reason) => {
        if (reason !== 'clickaway') onClose();
      }}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      <Alert
        severity="success"
        variant="filled"
        data-testid="saved-notice"
        sx={{ ...TEXT_14, alignItems: 'center' }}
        action={
          notice?.undoable && (
            <Button color="inherit" onClick={() => onUndo(notice.change)}>
              Undo
            </Button>
          )
        }
      >
        {notice?.message}
      </Alert>
    </Snackbar>
  );
}
