import { Alert, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useState, type JSX } from 'react';
import type { LibraryInfo } from '../../api/contract';
import { BACKEND_NAMES, type NumericSettingKey, type SettingKey, type Settings } from '../../api/settings';
import { CallStateView } from '../CallStateView';
import { messageOf, useApiCall } from '../useApi';
import { NumberSettingField } from './NumberSettingField';
import { RetrainScheduleFields } from './RetrainScheduleFields';
import { READING_SIZE } from '../readingSize';

const NUMBER_SETTINGS: { key: NumericSettingKey; label: string; help: string }[] = [
  {
    key: 'targetSensitivity',
    label: 'Target sensitivity',
    help: 'The suspicious flag is set where the model finds this share of validation melanomas.',
  },
  {
    key: 'promotionTolerance',
    label: 'Promotion tolerance',
    help: 'A retrained model replaces the active one if its ROC AUC is at most this much lower.',
  },
  {
    key: 'localLabelWeight',
    label: 'Weight of this clinic’s labels',
    help: 'How much each of your labels counts against one image of the shipped training set.',
  },
];

/** The library's settings; each change is validated by main and saved at once. */
export function SettingsView(): JSX.Element {
  const { state, reload } = useApiCall('settings', undefined);
  const library = useApiCall('libraryInfo', undefined).state;
  const info: LibraryInfo | null = library.status === 'ok' ? library.data : null;
  return (
    <Stack spacing={2} sx={{ maxWidth: 560, ...READING_SIZE }}>
      <Typography variant="h5" component="h2">
        Settings
      </Typography>
      {info && (
        <TextField label="Data directory" value={info.dataDir} slotProps={{ input: { readOnly: true } }} />
      )}
      <CallStateView
        state={state}
        reload={reload}
        busyLabel="Loading settings"
        errorTitle="Could not load the settings"
      >
        {(settings) => <SettingsForm settings={settings} />}
      </CallStateView>
    </Stack>
  );
}

function SettingsForm({ settings: initial }: { settings: Settings }): JSX.Element {
  const [settings, setSettings] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<SettingKey, string>>>({});
  const save = (key: SettingKey, value: number | string): void => {
    window.api?.updateSetting({ key, value }).then(
      (saved) => {
        setSettings(saved);
        setErrors((e) => ({ ...e, [key]: undefined }));
      },
      (error: unknown) => setErrors((e) => ({ ...e, [key]: messageOf(error) })),
    );
  };
  return (
    <Stack spacing={2}>
      {NUMBER_SETTINGS.map(({ key, label, help }) => (
        <NumberSettingField
          key={key}
          settingKey={key}
          label={label}
          help={help}
          value={settings[key]}
          error={errors[key]}
          save={save}
        />
      ))}
      <TextField
        select
        label="Backend"
        value={settings.backend}
        helperText={
          errors.backend ?? 'auto picks the fastest that loads; the model process restarts with it.'
        }
        error={errors.backend !== undefined}
        onChange={(e) => save('backend', e.target.value)}
      >
        {['auto', ...BACKEND_NAMES].map((name) => (
          <MenuItem key={name} value={name}>
            {name}
          </MenuItem>
        ))}
      </TextField>
      <RetrainScheduleFields settings={settings} errors={errors} save={save} />
      {Object.values(errors).some(Boolean) && <Alert severity="error">Some values were not saved.</Alert>}
    </Stack>
  );
}
