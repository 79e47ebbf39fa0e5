import { Autocomplete, Checkbox, FormControlLabel, Stack, TextField } from '@mui/material';
import type { JSX } from 'react';
import type { CallState } from '../useApi';
import type { ApiResponse } from '../../api/contract';

export interface PatientChoice {
  code: string;
  /** The user ticked "create": only then may the import make a patient the library lacks. */
  create: boolean;
}

/**
 * The patient to import into: one of the library's, found by typing, or a new one only when "create
 * patient" is ticked. A mistyped id is then not a new patient but a field that says it is unknown.
 */
export function PatientField({
  patients,
  value,
  onChange,
  disabled,
}: {
  patients: CallState<ApiResponse<'patients'>>;
  value: PatientChoice;
  onChange: (value: PatientChoice) => void;
  disabled: boolean;
}): JSX.Element {
  const codes = patients.status === 'ok' ? patients.data.map((p) => p.code) : [];
  const code = value.code.trim();
  const unknown = code !== '' && patients.status === 'ok' && !codes.includes(code);
  const helper =
    patients.status === 'error'
      ? `Could not load the patients: ${patients.message}`
      : unknown
        ? value.create
          ? `Patient ${code} will be created`
          : `No patient ${code} in the library: pick one, or tick "Create patient"`
        : 'Type to find a patient';
  return (
    <Stack spacing={0.5}>
      <Autocomplete
        freeSolo
        disabled={disabled}
        options={codes}
        inputValue={value.code}
        onInputChange={(_event, text) => onChange({ code: text, create: value.create })}
        loading={patients.status === 'loading'}
        sx={{ minWidth: 260 }}
        renderInput={(params) => (
          <TextField
            {...params}
            label="Patient id"
            required
            error={unknown && !value.create}
            helperText={helper}
          />
        )}
      />
      {unknown && (
        <FormControlLabel
          control={
            <Checkbox
              checked={value.create}
              disabled={disabled}
              onChange={(e) => onChange({ code: value.code, create: e.target.checked })}
            />
          }
          label={`Create patient ${code}`}
        />
      )}
    </Stack>
  );
}
