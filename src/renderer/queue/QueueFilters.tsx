import { FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import { useMemo, type JSX } from 'react';
import type { ApiRequest } from '../../api/contract';
import { DIAGNOSES } from '../../api/labels';
import { useApiCall } from '../useApi';

export interface Filters {
  patient: string;
  studyId: number | null;
  label: 'any' | 'unlabeled' | 'melanoma' | 'not-melanoma';
  diagnosis: string;
  suspicious: boolean;
}

export const NO_FILTERS: Filters = {
  patient: '',
  studyId: null,
  label: 'any',
  diagnosis: '',
  suspicious: false,
};

/** The queue request's filter fields for these choices. */
export function filterRequest(f: Filters): Partial<ApiRequest<'queue'>> {
  return {
    ...(f.patient ? { patient: f.patient } : {}),
    ...(f.studyId !== null ? { studyId: f.studyId } : {}),
    ...(f.label === 'unlabeled' ? { labeled: false } : {}),
    ...(f.label === 'melanoma' ? { melanoma: true } : {}),
    ...(f.label === 'not-melanoma' ? { melanoma: false } : {}),
    ...(f.diagnosis ? { diagnosis: f.diagnosis as (typeof DIAGNOSES)[number] } : {}),
    ...(f.suspicious ? { suspicious: true } : {}),
  };
}

/** Patient, study, label, diagnosis and the suspicious flag. */
export function QueueFilters({
  value,
  onChange,
}: {
  value: Filters;
  onChange: (f: Filters) => void;
}): JSX.Element {
  const patients = useApiCall('patients', undefined).state;
  const studiesRequest = useMemo(() => ({ patient: value.patient || undefined }), [value.patient]);
  const studies = useApiCall('studies', studiesRequest).state;
  const set = (change: Partial<Filters>): void => onChange({ ...value, ...change });
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <TextField
        select
        size="small"
        label="Patient"
        value={value.patient}
        onChange={(e) => set({ patient: e.target.value, studyId: null })}
        sx={{ minWidth: 140 }}
      >
        <MenuItem value="">all</MenuItem>
        {patients.status === 'ok' &&
          patients.data.map((p) => (
            <MenuItem key={p.id} value={p.code}>
              {p.code}
            </MenuItem>
          ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Study"
        value={value.studyId ?? ''}
        disabled={!value.patient}
        onChange={(e) => set({ studyId: e.target.value === '' ? null : Number(e.target.value) })}
        sx={{ minWidth: 140 }}
      >
        <MenuItem value="">all</MenuItem>
        {value.patient &&
          studies.status === 'ok' &&
          studies.data.map((s) => (
            <MenuItem key={s.id} value={s.id}>
              {s.name}
            </MenuItem>
          ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Label"
        value={value.label}
        onChange={(e) => set({ label: e.target.value as Filters['label'] })}
        sx={{ minWidth: 150 }}
      >
        <MenuItem value="any">any</MenuItem>
        <MenuItem value="unlabeled">unlabeled</MenuItem>
        <MenuItem value="melanoma">melanoma</MenuItem>
        <MenuItem value="not-melanoma">not melanoma</MenuItem>
      </TextField>
      <TextField
        select
        size="small"
        label="Diagnosis"
        value={value.diagnosis}
        onChange={(e) => set({ diagnosis: e.target.value })}
        sx={{ minWidth: 120 }}
      >
        <MenuItem value="">any</MenuItem>
        {DIAGNOSES.map((d) => (
          <MenuItem key={d} value={d}>
            {d}
          </MenuItem>
        ))}
      </TextField>
      <FormControlLabel
        control={
          <Switch checked={value.suspicious} onChange={(e) => set({ suspicious: e.target.checked })} />
        }
        label="Suspicious only"
      />
    </Stack>
  );
}
