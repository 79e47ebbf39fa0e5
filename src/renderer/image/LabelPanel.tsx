import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  MenuItem,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useState, type JSX } from 'react';
import type { ImageDetail, LabelRequest } from '../../api/contract';
import { messageOf } from '../useApi';
import { CONFIRMATIONS, DIAGNOSES, type Confirmation } from '../../api/vocabulary';
import { shortcutKey } from './shortcuts';

/** The keys that label, shown beside their buttons. */
const CONFIRMATION_KEYS: Record<Confirmation, string> = {
  histopathology: 'H',
  consensus: 'C',
  'follow-up': 'F',
  confocal: 'O',
  clinical: 'L',
};

type Current = ImageDetail['labels'][number] | undefined;

/** The image's label while `row` is the newest of its history: none if it is a withdrawal. */
function labelAfter(row: Current): Current {
  return row?.withdrawn ? undefined : row;
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
  },
} as const;

/**
 * Ground truth for one image, saved at once on each choice: M melanoma, N not melanoma, H/C/F/O/L how
 * it was confirmed, U undo (the previous label again, or none after the first: labels are never erased,
 * only superseded or withdrawn).
 */
export function LabelPanel({
  detail,
  onSaved,
  onError,
}: {
  detail: ImageDetail;
  onSaved: () => void;
  onError: (message: string) => void;
}): JSX.Element {
  const history = detail.labels;
  const current = labelAfter(history.at(-1));
  const [saving, setSaving] = useState(false);

  const run = useCallback(
    (call: (api: NonNullable<typeof window.api>) => Promise<unknown>) => {
      const api = window.api;
      if (saving || !api) return;
      setSaving(true);
      call(api).then(
        () => {
          setSaving(false);
          onSaved();
        },
        (error: unknown) => {
          setSaving(false);
          onError(messageOf(error));
        },
      );
    },
    [saving, onSaved, onError],
  );
  const save = (label: Omit<LabelRequest, 'imageId'>): void =>
    run((api) => api.saveLabel({ imageId: detail.id, ...definedOnly(label) }));
  // Each choice changes one thing and keeps the rest of the current label.
  const melanoma = (): void => save({ ...(current && asRequest(current)), melanoma: true, diagnosis: 'mel' });
  const notMelanoma = (): void =>
    save({
      ...(current && asRequest(current)),
      melanoma: false,
      diagnosis: current?.diagnosis !== 'mel' ? (current?.diagnosis ?? undefined) : undefined,
    });
  const confirm = (confirmedBy: Confirmation): void => {
    if (current) save({ ...asRequest(current), confirmedBy });
    else onError('Say melanoma (M) or not (N) first, then how it was confirmed.');
  };
  // Undo goes back to the label before the newest row: an earlier label, or none, as at first.
  const previous = labelAfter(history.at(-2));
  const undo = (): void => {
    if (previous) save(asRequest(previous));
    else if (current) run((api) => api.withdrawLabel({ imageId: detail.id }));
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const key = shortcutKey(event)?.toUpperCase();
      if (key === 'M') melanoma();
      else if (key === 'N') notMelanoma();
      else if (key === 'U') undo();
      else {
        const confirmation = CONFIRMATIONS.find((c) => CONFIRMATION_KEYS[c] === key);
        if (confirmation) confirm(confirmation);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <Stack spacing={1.5} aria-label="Label">
      <Typography variant="overline" component="h2">
        Ground truth
      </Typography>
      <ToggleButtonGroup
        exclusive
        value={current ? String(current.melanoma) : null}
        aria-label="Melanoma"
        disabled={saving}
        sx={WRAP}
      >
        <ToggleButton value="true" color="error" onClick={melanoma}>
          Melanoma (M)
        </ToggleButton>
        <ToggleButton value="false" color="success" onClick={notMelanoma}>
          Not melanoma (N)
        </ToggleButton>
      </ToggleButtonGroup>
      <TextField
        select
        size="small"
        label="Diagnosis"
        value={current?.diagnosis ?? ''}
        disabled={!current || current.melanoma || saving}
        onChange={(e) =>
          save({
            ...(current && asRequest(current)),
            melanoma: false,
            diagnosis: e.target.value as LabelRequest['diagnosis'],
          })
        }
      >
        {DIAGNOSES.filter((d) => d !== 'mel').map((d) => (
          <MenuItem key={d} value={d}>
            {d}
          </MenuItem>
        ))}
      </TextField>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={current?.confirmedBy ?? null}
        aria-label="How confirmed"
        disabled={saving}
        sx={WRAP}
      >
        {CONFIRMATIONS.map((c) => (
          <ToggleButton key={c} value={c} onClick={() => confirm(c)}>
            {c} ({CONFIRMATION_KEYS[c]})
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <TextField
        key={`${detail.id}-${current?.id ?? 0}`}
        size="small"
        label="Note"
        multiline
        defaultValue={current?.note ?? ''}
        disabled={!current || saving}
        onBlur={(e) => {
          if (current && e.target.value !== (current.note ?? '')) {
            save({ ...asRequest(current), note: e.target.value || undefined });
          }
        }}
      />
      <Box>
        <Button size="small" onClick={undo} disabled={history.length === 0 || saving}>
          Undo (U)
        </Button>
      </Box>
      <Typography variant="overline" component="h3">
        History
      </Typography>
      {history.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          Not labeled yet.
        </Typography>
      ) : (
        <List dense aria-label="Label history" sx={{ py: 0 }}>
          {[...history].reverse().map((l) => (
            <ListItem key={l.id} disableGutters>
              <ListItemText
                primary={`${l.withdrawn ? 'Withdrawn: ' : ''}${l.melanoma ? 'Melanoma' : 'Not melanoma'}${l.diagnosis ? ` (${l.diagnosis})` : ''}${l.confirmedBy ? `, ${l.confirmedBy}` : ''}`}
                secondary={`${l.labeledBy}, ${l.labeledAt}${l.note ? ` — ${l.note}` : ''}`}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** A stored label's choices as a request. */
function asRequest(label: NonNullable<Current>): Omit<LabelRequest, 'imageId'> {
  return definedOnly({
    melanoma: label.melanoma,
    diagnosis: label.diagnosis ?? undefined,
    confirmedBy: label.confirmedBy ?? undefined,
    confirmedAt: label.confirmedAt ?? undefined,
    note: label.note ?? undefined,
  });
}

/** The request without the fields left undefined: the contract is strict about what it is sent. */
function definedOnly<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}
