import { TextField } from '@mui/material';
import type { JSX } from 'react';
import { SETTING_RANGES, type NumericSettingKey } from '../../api/settings';

/** A numeric setting, saved when the field loses focus; main validates it and `error` shows why not. */
export function NumberSettingField({
  settingKey,
  label,
  help,
  value,
  error,
  save,
}: {
  settingKey: NumericSettingKey;
  label: string;
  help: string;
  value: number;
  error: string | undefined;
  save: (key: NumericSettingKey, value: number) => void;
}): JSX.Element {
  const { min, max } = SETTING_RANGES[settingKey];
  return (
    <TextField
      label={label}
      type="number"
      defaultValue={value}
      error={error !== undefined}
      helperText={error ?? `${help} (${min} to ${max})`}
      slotProps={{ htmlInput: { step: 'any', 'aria-label': label } }}
      onBlur={(e) => {
        const typed = Number(e.target.value);
        if (typed !== value) save(settingKey, e.target.value === '' ? Number.NaN : typed);
      }}
    />
  );
}
