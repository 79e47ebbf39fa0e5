import {
  Box,
  Button,
  MenuItem,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
  type Theme,
} from '@mui/material';
import { useCallback, useEffect, useState, type JSX } from 'react';
import type { ImageDetail, LabelRequest } from '../../api/contract';
import { DIAGNOSIS_NAMES } from '../../api/diagnosis-words';
import { describeLabel, overwriteReason } from '../../api/label-change';
import { CONFIRMATIONS, DIAGNOSIS_DETAILS, type Confirmation } from '../../api/vocabulary';
import { callErrorOf, type CallError } from '../useApi';
import { LabelHistory } from './LabelHistory';
import { applyChoice, asChoice, labelAfter, type Choice, type LabelChoice } from './labelChoice';
import {
  CONFIRMATION_KEYS,
  DIGIT_DIAGNOSES,
  confirmationOfKey,
  diagnosisKey,
  diagnosisOfKey,
} from './labelKeys';
import { OverwriteDialog } from './OverwriteDialog';
import { FIELD_14, TEXT_14 } from '../readingSize';
import type { SavedChange } from './SavedNotice';
import { SessionConfirmationField } from './SessionConfirmationField';
import { setSessionConfirmation, useSessionConfirmation } from './sessionConfirmation';
import { imageViewKey } from './shortcuts';

/**
 * A selected toggle's text on its own tint: MUI's main red and green there are 4.4:1 in the light
 * theme, under AA's 4.5:1; the dark shade passes, and in the dark theme the light one does.
 */
function readableOnTint(theme: Theme, color: 'error' | 'success'): string {
  return theme.palette.mode === 'dark' ? theme.palette[color].light : theme.palette[color].dark;
}

/**
 * A row of choices wraps in a narrow column (a small window, or 125–150 % zoom) instead of overflowing
 * it; each choice then keeps its own border, which a joined group draws only once between neighbours.
 */
const WRAP = {
  flexWrap: 'wrap',
  gap: 0.5,
  '& .MuiToggleButtonGroup-grouped.MuiToggleButton-root': {
    m: 0,
    border: 1,
    borderColor: 'divider',
    borderRadius: 1,
    ...TEXT_14,
  },
} as const;

/**
 * Ground truth for one image, saved at once on each choice: M melanoma, N not melanoma, a digit a
 * diagnosis, H/C/F/O/L how it was confirmed (with Shift: the session's default), U undo (the previous
 * label again, or none after the first: labels are never erased, only superseded or withdrawn). A
 * save that would replace protected ground truth asks first.
 */
export function LabelPanel({
  detail,
  onSaved,
  onError,
  undoLast,
}: {
  detail: ImageDetail;
  onSaved: (change: SavedChange) => void;
  onError: (error: CallError) => void;
  /** Undoes the save the view's notice shows, when it is this image's newest: U is its Undo then. */
  undoLast?: () => void;
}): JSX.Element {
  const history = detail.labels;
  const current = labelAfter(history.at(-1));
  const sessionDefault = useSessionConfirmation();
  const [saving, setSaving] = useState(false);
  const [pending, setPending] = useState<{ next: LabelChoice; reason: string } | null>(null);

  const save = useCallback(
    (next: LabelChoice | null, overwrite: boolean) => {
      const api = window.api;
      if (saving || !api) return;
      setSaving(true);
      const before = current ? asChoice(current) : null;
      const call = next
        ? api.saveLabel({ imageId: detail.id, ...next, ...(overwrite ? { overwrite: true } : {}) })
        : api.withdrawLabel({ imageId: detail.id });
      call.then(
        () => {
          setSaving(false);
          const message = next
            ? `Saved: ${describeLabel(next)}`
            : `Withdrawn: ${current ? describeLabel(asChoice(current)) : 'the label'}; the image is unlabeled`;
          onSaved({ imageId: detail.id, message, before, after: next });
        },
        (error: unknown) => {
          setSaving(false);
          onError(callErrorOf(error));
        },
      );
    },
    [saving, current, detail.id, onSaved, onError],
  );

  /** Saves `next`, or asks first when it would replace protected ground truth. */
  const propose = (next: LabelChoice): void => {
    const reason = current ? overwriteReason(asChoice(current), next) : null;
    if (reason) setPending({ next, reason });
    else save(next, false);
  };
  const choose = (choice: Choice): void => {
    const next = applyChoice(current, choice, sessionDefault);
    if ('error' in next) onError({ code: null, message: next.error });
    else propose(next);
  };
  // Undo goes back to the label before the newest row: an earlier label, or none, as at first. Just
  // after a save it is the notice's Undo; later, going back past confirmed ground truth asks first.
  const previous = labelAfter(history.at(-2));
  const undo = (): void => {
    if (undoLast) undoLast();
    else if (previous) propose(asChoice(previous));
    else if (current) save(null, false);
  };
  const toggleDefault = (confirmation: Confirmation): void =>
    setSessionConfirmation(sessionDefault === confirmation ? null : confirmation);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const key = imageViewKey(event);
      if (key === null || pending) return;
      const diagnosis = diagnosisOfKey(key);
      const confirmation = confirmationOfKey(key);
      if (key.toUpperCase() === 'M') choose({ kind: 'melanoma', melanoma: true });
      else if (key.toUpperCase() === 'N') choose({ kind: 'melanoma', melanoma: false });
      else if (key.toUpperCase() === 'U') undo();
      else if (diagnosis) choose({ kind: 'diagnosis', diagnosis });
      else if (confirmation && event.shiftKey) toggleDefault(confirmation);
      else if (confirmation) choose({ kind: 'confirmation', confirmedBy: confirmation });
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <Stack spacing={1.5} aria-label="Label">
      <Typography variant="subtitle2" component="h2">
        Ground truth
      </Typography>
      <ToggleButtonGroup
        exclusive
        value={current ? String(current.melanoma) : null}
        aria-label="Melanoma"
        disabled={saving}
        sx={WRAP}
      >
        <ToggleButton
          value="true"
          color="error"
          sx={(theme) => ({ '&.Mui-selected': { color: readableOnTint(theme, 'error') } })}
          onClick={() => choose({ kind: 'melanoma', melanoma: true })}
        >
          Melanoma (M)
        </ToggleButton>
        <ToggleButton
          value="false"
          color="success"
          sx={(theme) => ({ '&.Mui-selected': { color: readableOnTint(theme, 'success') } })}
          onClick={() => choose({ kind: 'melanoma', melanoma: false })}
        >
          Not melanoma (N)
        </ToggleButton>
      </ToggleButtonGroup>
      <TextField
        select
        size="small"
        label="Diagnosis"
        value={current?.diagnosis ?? ''}
        disabled={saving}
        sx={FIELD_14}
        onChange={(e) =>
          choose({ kind: 'diagnosis', diagnosis: e.target.value as NonNullable<LabelRequest['diagnosis']> })
        }
      >
        {(['mel', ...DIGIT_DIAGNOSES] as const).map((d) => (
          <MenuItem key={d} value={d} sx={TEXT_14}>
            {DIAGNOSIS_NAMES[d]} ({diagnosisKey(d)})
          </MenuItem>
        ))}
      </TextField>
      {current?.melanoma && (
        <ToggleButtonGroup
          exclusive
          size="small"
          value={current.diagnosisDetail ?? null}
          aria-label="Melanoma in situ or invasive"
          disabled={saving}
          sx={WRAP}
        >
          {DIAGNOSIS_DETAILS.map((detail) => (
            <ToggleButton
              key={detail}
              value={detail}
              onClick={() =>
                choose({ kind: 'detail', detail: current.diagnosisDetail === detail ? undefined : detail })
              }
            >
              {detail}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      )}
      <ToggleButtonGroup
        exclusive
        size="small"
        value={current?.confirmedBy ?? null}
        aria-label="How confirmed"
        disabled={saving}
        sx={WRAP}
      >
        {CONFIRMATIONS.map((c) => (
          <ToggleButton key={c} value={c} onClick={() => choose({ kind: 'confirmation', confirmedBy: c })}>
            {c} ({CONFIRMATION_KEYS[c]})
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <SessionConfirmationField value={sessionDefault} onChange={(c) => setSessionConfirmation(c)} />
      <TextField
        key={`${detail.id}-${current?.id ?? 0}`}
        size="small"
        label="Note"
        multiline
        sx={FIELD_14}
        defaultValue={current?.note ?? ''}
        disabled={!current || saving}
        onBlur={(e) => {
          if (current && e.target.value !== (current.note ?? '')) {
            choose({ kind: 'note', note: e.target.value || undefined });
          }
        }}
      />
      <Box>
        <Button onClick={undo} disabled={history.length === 0 || saving} sx={TEXT_14}>
          Undo (U)
        </Button>
      </Box>
      <LabelHistory history={history} />
      {pending && current && (
        <OverwriteDialog
          current={describeLabel(asChoice(current))}
          next={describeLabel(pending.next)}
          reason={pending.reason}
          onConfirm={() => {
            setPending(null);
            save(pending.next, true);
          }}
          onKeep={() => setPending(null)}
        />
      )}
    </Stack>
  );
}
