import { Chip, MenuItem, Stack, TextField } from '@mui/material';
import type { JSX } from 'react';
import { CONFIRMATIONS, type Confirmation } from '../../api/vocabulary';
import { CONFIRMATION_KEYS } from './labelKeys';
import { FIELD_14, TEXT_14 } from '../readingSize';

/** The session's default confirmation: chosen once here or with Shift + its key, shown while set. */
export function SessionConfirmationField({
  value,
  onChange,
}: {
  value: Confirmation | null;
  onChange: (confirmation: Confirmation | null) => void;
}): JSX.Element {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }} useFlexGap>
      <TextField
        select
        size="small"
        label="Confirmed by, this session"
        value={value ?? ''}
        onChange={(e) => onChange(CONFIRMATIONS.find((c) => c === e.target.value) ?? null)}
        helperText="Recorded with M, N and the digits; Shift + its key sets it"
        slotProps={{ formHelperText: { sx: TEXT_14 } }}
        sx={{ minWidth: '16em', ...FIELD_14 }}
      >
        <MenuItem value="" sx={TEXT_14}>
          none (ask each time)
        </MenuItem>
        {CONFIRMATIONS.map((c) => (
          <MenuItem key={c} value={c} sx={TEXT_14}>
            {c} (Shift+{CONFIRMATION_KEYS[c]})
          </MenuItem>
        ))}
      </TextField>
      {value && (
        <Chip data-testid="session-confirmation" color="info" label={`Default: ${value}`} sx={TEXT_14} />
      )}
    </Stack>
  );
}
