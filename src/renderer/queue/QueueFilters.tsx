import { FormControlLabel, MenuItem, Stack, Switch, TextField } from '@mui/material';
import { useMemo, useState, type JSX } from 'react';
import { DIAGNOSES } from '../../api/vocabulary';
import { useApiCall } from '../useApi';
import type { Filters } from './queueQuery';

/**
 * Patient, study, label, diagnosis and the suspicious flag. The patients are asked for when their list
 * is first opened and the studies once a patient is chosen: in a large library both calls take main
 * longer than the queue's first page, which would otherwise wait behind them.
 */
export function QueueFilters({
  value,
  onChange,
  patientListOpen,
  onPatientList,
}: {
  value: Filters;
  onChange: (f: Filters) => void;
  patientListOpen: boolean;
  onPatientList: (open: boolean) => void;
}): JSX.Element {
  const [listOpened, setListOpened] = useState(false);
  // Opened by the queue's P key rather than a click: ask for the patients all the same.
  if (patientListOpen && !listOpened) setListOpened(true);
  const { state: patients, reload: reloadPatients } = useApiCall('patients', undefined, {
    enabled: listOpened,
  });
  // Asked for on the first opening, and again on an opening after a failure.
  const loadPatients = (): void => {
    if (!listOpened) setListOpened(true);
    else if (patients.status === 'error') reloadPatients();
  };
  const set = (change: Partial<Filters>): void => onChange({ ...value, ...change });
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <TextField
        select
        size="small"
        label="Patient"
        value={value.patient}
        onChange={(e) => set({ patient: e.target.value, studyId: null })}
        slotProps={{
          select: {
            open: patientListOpen,
            onOpen: () => {
              loadPatients();
              onPatientList(true);
            },
            onClose: () => onPatientList(false),
          },
        }}
        sx={{ minWidth: 140 }}
      >
        <MenuItem value="">all</MenuItem>
        {patients.status === 'ok'
          ? patients.data.map((p) => (
              <MenuItem key={p.id} value={p.code}>
                {p.code}
              </MenuItem>
            ))
          : // The chosen patient, until the list is here.
            value.patient && <MenuItem value={value.patient}>{value.patient}</MenuItem>}
        {listOpened && patients.status === 'loading' && <MenuItem disabled>Loading…</MenuItem>}
        {patients.status === 'error' && (
          <MenuItem disabled>Could not load the patients: {patients.message}</MenuItem>
        )}
      </TextField>
      {value.patient ? (
        <StudyField patient={value.patient} value={value.studyId} onChange={(studyId) => set({ studyId })} />
      ) : (
        <TextField select disabled size="small" label="Study" value="" sx={{ minWidth: 140 }}>
          <MenuItem value="">all</MenuItem>
        </TextField>
      )}
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

/** The chosen patient's studies. */
function StudyField({
  patient,
  value,
  onChange,
}: {
  patient: string;
  value: number | null;
  onChange: (studyId: number | null) => void;
}): JSX.Element {
  const request = useMemo(() => ({ patient }), [patient]);
  const studies = useApiCall('studies', request).state;
  return (
    <TextField
      select
      size="small"
      label="Study"
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      sx={{ minWidth: 140 }}
    >
      <MenuItem value="">all</MenuItem>
      {studies.status === 'ok'
        ? studies.data.map((s) => (
            <MenuItem key={s.id} value={s.id}>
              {s.name}
            </MenuItem>
          ))
        : value !== null && <MenuItem value={value}>…</MenuItem>}
    </TextField>
  );
}
