import {
  Alert,
  Button,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useMemo, useState, type JSX } from 'react';
import type { PatientSummary } from '../../api/contract';
import { CallStateView, ErrorText } from '../CallStateView';
import { formatDate } from '../format/dateTime';
import { READING_SIZE } from '../readingSize';
import { callErrorOf, useApiCall, type CallError } from '../useApi';

/** Patients and their studies with counts of images, unlabeled and suspicious; create and rename. */
export function PatientsView(): JSX.Element {
  const { state, reload } = useApiCall('patients', undefined);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const api = window.api;
  const act = (call: () => Promise<unknown>): void => {
    setError(null);
    call().then(reload, (e: unknown) => setError(callErrorOf(e)));
  };
  return (
    <Stack spacing={2} sx={READING_SIZE}>
      <Typography variant="h5" component="h2">
        Patients
      </Typography>
      {api && (
        <NameForm
          label="New patient id"
          action="Add patient"
          onSubmit={(code) => act(() => api.createPatient({ code }))}
        />
      )}
      {error && (
        <Alert severity="error">
          <ErrorText {...error} />
        </Alert>
      )}
      <CallStateView
        state={state}
        reload={reload}
        busyLabel="Loading patients"
        errorTitle="Could not load the patients"
      >
        {(patients) => {
          const patient = patients.find((p) => p.id === selected);
          return (
            <>
              <CountsTable
                label="Patients"
                rows={patients.map((p) => ({ ...p, name: p.code }))}
                selected={selected}
                onSelect={setSelected}
                onRename={(id, code) => api && act(() => api.renamePatient({ id, code }))}
              />
              {patient && <Studies patient={patient} onError={setError} />}
            </>
          );
        }}
      </CallStateView>
    </Stack>
  );
}

function Studies({
  patient,
  onError,
}: {
  patient: PatientSummary;
  onError: (error: CallError) => void;
}): JSX.Element {
  const request = useMemo(() => ({ patient: patient.code }), [patient.code]);
  const { state, reload } = useApiCall('studies', request);
  const api = window.api;
  const act = (call: () => Promise<unknown>): void =>
    void call().then(reload, (e: unknown) => onError(callErrorOf(e)));
  return (
    <Stack spacing={1}>
      <Typography variant="h6" component="h3">
        Studies of {patient.code}
      </Typography>
      {api && (
        <NameForm
          label="New study name"
          action="Add study"
          onSubmit={(name) => act(() => api.createStudy({ patientId: patient.id, name }))}
        />
      )}
      <CallStateView
        state={state}
        reload={reload}
        busyLabel="Loading studies"
        errorTitle="Could not load the studies"
      >
        {(studies) => (
          <CountsTable
            label="Studies"
            rows={studies}
            selected={null}
            onSelect={() => undefined}
            onRename={(id, name) => api && act(() => api.renameStudy({ id, name }))}
          />
        )}
      </CallStateView>
    </Stack>
  );
}

interface CountsRow {
  id: number;
  name: string;
  /** A study's date (YYYY-MM-DD); patients have none. */
  studyDate?: string | null;
  images: number;
  labeled: number;
  suspicious: number;
}

function CountsTable({
  label,
  rows,
  selected,
  onSelect,
  onRename,
}: {
  label: string;
  rows: CountsRow[];
  selected: number | null;
  onSelect: (id: number) => void;
  onRename: (id: number, name: string) => void;
}): JSX.Element {
  const [renaming, setRenaming] = useState<number | null>(null);
  const dated = rows.some((row) => row.studyDate !== undefined);
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>name</TableCell>
          {dated && <TableCell>date</TableCell>}
          <TableCell align="right">images</TableCell>
          <TableCell align="right">unlabeled</TableCell>
          <TableCell align="right">suspicious</TableCell>
          <TableCell>rename</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.id} hover selected={row.id === selected} onClick={() => onSelect(row.id)}>
            <TableCell>
              {renaming === row.id ? (
                <NameForm
                  label={`New name for ${row.name}`}
                  action="Save"
                  initial={row.name}
                  onSubmit={(name) => {
                    setRenaming(null);
                    onRename(row.id, name);
                  }}
                />
              ) : (
                row.name
              )}
            </TableCell>
            {dated && <TableCell>{row.studyDate ? formatDate(row.studyDate) : '—'}</TableCell>}
            <TableCell align="right">{row.images}</TableCell>
            <TableCell align="right">{row.images - row.labeled}</TableCell>
            <TableCell align="right">{row.suspicious}</TableCell>
            <TableCell>
              {/* Text-coloured: the primary blue is 4.1:1 on a selected row's tint (AA asks 4.5:1). */}
              <Button color="inherit" onClick={() => setRenaming(row.id)} aria-label={`Rename ${row.name}`}>
                Rename
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function NameForm({
  label,
  action,
  initial = '',
  onSubmit,
}: {
  label: string;
  action: string;
  initial?: string;
  onSubmit: (name: string) => void;
}): JSX.Element {
  const [name, setName] = useState(initial);
  return (
    <Stack
      component="form"
      direction="row"
      spacing={1}
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) onSubmit(name.trim());
        setName('');
      }}
    >
      <TextField size="small" label={label} value={name} onChange={(e) => setName(e.target.value)} />
      <Button type="submit" variant="outlined" color="inherit" disabled={!name.trim()}>
        {action}
      </Button>
    </Stack>
  );
}
