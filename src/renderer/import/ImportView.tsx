import {
  Alert,
  Box,
  Button,
  LinearProgress,
  List,
  ListItem,
  ListItemText,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useState, type JSX } from 'react';
import { messageOf } from '../useApi';
import { useJob, type JobFinished as Finished, type JobProgress as Progress } from '../useJob';

/**
 * Import: folders and an optional manifest chosen in the system's dialogs, the patient and study, then
 * progress with rate and time left, cancel, and the report with every failed file and its reason.
 */
export function ImportView({ onImported }: { onImported: () => void }): JSX.Element {
  const [folders, setFolders] = useState<string[]>([]);
  const [manifest, setManifest] = useState<string | null>(null);
  const [patient, setPatient] = useState('');
  const [study, setStudy] = useState('');
  const [error, setError] = useState<string | null>(null);
  const api = window.api;
  const { jobId, running, progress, finished, follow } = useJob(onImported);
  const job = running ? jobId : null;

  const run = <T,>(call: () => Promise<T>, then: (value: T) => void): void => {
    setError(null);
    call().then(then, (e: unknown) => setError(messageOf(e)));
  };
  const start = (): void =>
    run(
      () =>
        api!.startImport({
          folders,
          patient: patient.trim(),
          ...(study.trim() ? { study: study.trim() } : {}),
          ...(manifest ? { manifest } : {}),
        }),
      ({ jobId: started }) => follow(started),
    );

  return (
    <Stack spacing={2} sx={{ maxWidth: 720 }}>
      <Typography variant="h5" component="h2">
        Import photographs
      </Typography>
      <Stack direction="row" spacing={1}>
        <Button
          variant="outlined"
          disabled={job !== null}
          onClick={() => run(() => api!.chooseFolders(), setFolders)}
        >
          Choose folders…
        </Button>
        <Button
          variant="text"
          disabled={job !== null}
          onClick={() => run(() => api!.chooseManifest(), setManifest)}
        >
          Manifest CSV (optional)…
        </Button>
      </Stack>
      <Box data-testid="import-folders">
        {folders.length === 0 ? (
          <Typography color="text.secondary">No folder chosen.</Typography>
        ) : (
          folders.map((f) => (
            <Typography key={f} sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
              {f}
            </Typography>
          ))
        )}
        {manifest && <Typography sx={{ fontFamily: 'monospace' }}>manifest: {manifest}</Typography>}
      </Box>
      <Stack direction="row" spacing={2}>
        <TextField label="Patient id" required value={patient} onChange={(e) => setPatient(e.target.value)} />
        <TextField
          label="Study"
          helperText="Defaults to the folder's name"
          value={study}
          onChange={(e) => setStudy(e.target.value)}
        />
      </Stack>
      <Box>
        {job === null ? (
          <Button variant="contained" disabled={folders.length === 0 || !patient.trim()} onClick={start}>
            Import
          </Button>
        ) : (
          <Button
            color="warning"
            onClick={() =>
              run(
                () => api!.cancelJob({ jobId: job }),
                () => undefined,
              )
            }
          >
            Cancel
          </Button>
        )}
      </Box>
      {job !== null && <ProgressView progress={progress.at(-1) ?? null} />}
      {error && <Alert severity="error">{error}</Alert>}
      {finished && <ImportReport event={finished} />}
    </Stack>
  );
}

function ProgressView({ progress }: { progress: Progress | null }): JSX.Element {
  const fraction = progress?.total ? progress.done / progress.total : null;
  const remaining =
    progress && progress.total && progress.rate > 0 ? (progress.total - progress.done) / progress.rate : null;
  const phase = progress?.phase === 'ranking' || progress?.phase === 'scoring' ? 'Ranking' : 'Importing';
  return (
    <Stack spacing={1} role="status" aria-label="Import progress">
      <LinearProgress
        variant={fraction === null ? 'indeterminate' : 'determinate'}
        value={fraction === null ? undefined : 100 * fraction}
      />
      <Typography variant="body2">
        {progress
          ? `${phase}: ${progress.done} of ${progress.total ?? '?'} · ${progress.rate.toFixed(1)} per second` +
            (remaining === null ? '' : ` · about ${Math.ceil(remaining)} s left`)
          : 'Starting…'}
      </Typography>
    </Stack>
  );
}

function ImportReport({ event }: { event: Finished }): JSX.Element {
  const report = event.import;
  if (event.outcome === 'failed') return <Alert severity="error">Import failed: {event.message}</Alert>;
  return (
    <Stack spacing={1} data-testid="import-report">
      <Alert
        severity={
          event.outcome === 'cancelled' ? 'warning' : report && report.failed > 0 ? 'info' : 'success'
        }
      >
        {event.outcome === 'cancelled' ? 'Import cancelled. ' : 'Import finished. '}
        {report &&
          `${report.imported} imported, ${report.alreadyImported} already there, ${report.duplicates} duplicate(s), ` +
            `${report.failed} failed${report.notProcessed ? `, ${report.notProcessed} not reached` : ''}; ` +
            `${report.ranked} image(s) ranked.`}
      </Alert>
      {report && report.files.length > 0 && (
        <List dense aria-label="Files not imported">
          {report.files.map((f) => (
            <ListItem key={f.path} disableGutters>
              <ListItemText primary={f.path} secondary={`${f.status}: ${f.reason}`} />
            </ListItem>
          ))}
        </List>
      )}
      {report?.warnings.map((w) => (
        <Alert key={w} severity="warning">
          {w}
        </Alert>
      ))}
    </Stack>
  );
}
