import {
  Alert,
  Box,
  Button,
  Chip,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useCallback, useMemo, useState, type JSX } from 'react';
import type { ModelSummary, RetrainEstimate } from '../../api/contract';
import { CallStateView, ErrorText } from '../CallStateView';
import { formatDateTime } from '../format/dateTime';
import { callErrorOf, useApiCall, type CallError } from '../useApi';
import { useJob, type JobProgress } from '../useJob';
import { DeepRetrainDialog } from './DeepRetrainDialog';
import { CalibrationChart, ConfusionMatrix, LearningCurve, RocChart } from './ModelCharts';
import { JobOutcome } from './RetrainOutcome';
import { READING_SIZE } from '../readingSize';

/**
 * The model: the active version and its report, "Retrain now" and "Deep retrain" with live progress
 * and cancel, the promotion decision with the candidate beside its parent, and the history with
 * rollback.
 */
export function ModelView({ onModelChanged }: { onModelChanged: () => void }): JSX.Element {
  const models = useApiCall('models', undefined);
  const backend = useApiCall('backend', undefined);
  const [error, setError] = useState<CallError | null>(null);
  const api = window.api;
  const reloadModels = models.reload;
  const changed = useCallback(() => {
    reloadModels();
    onModelChanged();
  }, [reloadModels, onModelChanged]);
  const { jobId, running, progress, finished, follow } = useJob(changed);
  const job = running ? jobId : null;

  const [estimate, setEstimate] = useState<RetrainEstimate | null>(null);
  const askDeep = (): void => {
    setError(null);
    api!.retrainEstimate({ depth: 'deep' }).then(setEstimate, (e: unknown) => setError(callErrorOf(e)));
  };
  const startJob = (start: () => Promise<{ jobId: number }>): void => {
    setError(null);
    start().then(
      ({ jobId: started }) => follow(started),
      (e: unknown) => setError(callErrorOf(e)),
    );
  };

  return (
    <Stack spacing={2} sx={READING_SIZE}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          Model
        </Typography>
        <Typography variant="body2" color="text.secondary" data-testid="backend">
          {backend.state.status === 'ok'
            ? `Backend: ${backend.state.data.name}`
            : backend.state.status === 'error'
              ? `Backend unavailable: ${backend.state.message}`
              : 'Backend: starting…'}
        </Typography>
        {job === null ? (
          <>
            <Button variant="contained" onClick={() => startJob(() => api!.startRetrain({ depth: 'head' }))}>
              Retrain now
            </Button>
            <Button variant="outlined" onClick={askDeep}>
              Deep retrain…
            </Button>
          </>
        ) : (
          // Not MUI's "warning" orange, 3.1:1 on white; its "error" red is 5:1 (AA asks 4.5:1).
          <Button color="error" variant="outlined" onClick={() => void api?.cancelJob({ jobId: job })}>
            Cancel
          </Button>
        )}
      </Stack>
      <DeepRetrainDialog
        estimate={estimate}
        onClose={() => setEstimate(null)}
        onStart={() => {
          setEstimate(null);
          startJob(() => api!.startRetrain({ depth: 'deep' }));
        }}
      />
      {job !== null && <RetrainProgress progress={progress} />}
      {error && (
        <Alert severity="error">
          <ErrorText {...error} />
        </Alert>
      )}
      {finished && <JobOutcome event={finished} />}
      <CallStateView
        state={models.state}
        reload={models.reload}
        busyLabel="Loading models"
        errorTitle="Could not load the models"
      >
        {(list) => (
          <Versions
            list={list}
            busy={job !== null}
            onRollback={(v) => startJob(() => api!.startRollback({ version: v }))}
          />
        )}
      </CallStateView>
    </Stack>
  );
}

/** The bar fills as the text counts: by the last step's images when it has a total, else it runs on. */
function RetrainProgress({ progress }: { progress: readonly JobProgress[] }): JSX.Element {
  const last = progress.at(-1);
  const fraction = last && !last.loss && last.total ? Math.min(1, last.done / last.total) : null;
  return (
    <Box role="status" aria-label="Retraining progress">
      {fraction === null ? (
        <LinearProgress aria-label="Retraining" />
      ) : (
        <LinearProgress variant="determinate" value={100 * fraction} aria-label="Retraining" />
      )}
      <Typography variant="body2">
        {progressText(progress)}
        {fraction === null ? '' : ` (${(100 * fraction).toFixed(fraction < 0.1 ? 1 : 0)} %)`}
      </Typography>
    </Box>
  );
}

/** Where a retraining is, in words: the last epoch's loss, and deep retraining's steps between them. */
function progressText(progress: readonly JobProgress[]): string {
  const epoch = progress.filter((p) => p.loss).at(-1);
  const auc = epoch?.loss?.validationAuc;
  const epochText = epoch?.loss
    ? `epoch ${epoch.done}: training loss ${epoch.loss.training.toFixed(4)}` +
      (auc === undefined ? '' : `, validation ROC AUC ${auc.toFixed(3)}`)
    : null;
  const last = progress.at(-1);
  const of = (p: JobProgress): string =>
    `${p.done.toLocaleString()} of ${p.total?.toLocaleString() ?? '?'} images`;
  if (!last || last === epoch) return epochText ?? 'Embedding new images and preparing…';
  switch (last.phase) {
    case 'activations':
      return `Running images through the frozen part of the network: ${of(last)}`;
    case 'training':
      return [epochText, `epoch ${(epoch?.done ?? 0) + 1}: ${of(last)}`].filter(Boolean).join(' · ');
    case 'ranking':
      return `Computing the features of every image through the new top: ${of(last)}`;
    default:
      return epochText ?? 'Embedding new images and preparing…';
  }
}

function Versions({
  list,
  busy,
  onRollback,
}: {
  list: ModelSummary[];
  busy: boolean;
  onRollback: (version: string) => void;
}): JSX.Element {
  const active = list.find((m) => m.status === 'active');
  const [shown, setShown] = useState<string | null>(null);
  const version = shown ?? active?.version ?? null;
  return (
    <Stack spacing={2}>
      {version && <Report version={version} />}
      <Typography variant="h6" component="h3">
        History
      </Typography>
      <Table size="small" aria-label="Model versions">
        <TableHead>
          <TableRow>
            <TableCell>version</TableCell>
            <TableCell>status</TableCell>
            <TableCell>ROC AUC on its own validation images</TableCell>
            <TableCell>created</TableCell>
            <TableCell>rollback</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {list.map((m) => (
            <TableRow
              key={m.version}
              selected={m.version === version}
              hover
              onClick={() => setShown(m.version)}
            >
              <TableCell>{m.version}</TableCell>
              <TableCell>
                <Chip size="small" label={m.status} color={m.status === 'active' ? 'primary' : 'default'} />
              </TableCell>
              <TableCell>{m.auc?.toFixed(4) ?? '—'}</TableCell>
              <TableCell>{formatDateTime(m.createdAt)}</TableCell>
              <TableCell>
                {m.status !== 'active' && m.status !== 'rejected' && (
                  <Button size="small" disabled={busy} onClick={() => onRollback(m.version)}>
                    Roll back to this
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Stack>
  );
}

function Report({ version }: { version: string }): JSX.Element {
  const { state, reload } = useApiCall(
    'modelDetail',
    useMemo(() => ({ version }), [version]),
  );
  return (
    <CallStateView
      state={state}
      reload={reload}
      busyLabel="Loading the report"
      errorTitle="Could not load the report"
    >
      {(detail) => (
        <Stack spacing={2} data-testid="model-report">
          <Typography variant="subtitle1">
            {detail.version} ({detail.kind}, {detail.status}); trained{' '}
            {formatDateTime(detail.provenance.trainedAt)}, on {detail.provenance.backend}
          </Typography>
          {detail.validation ? (
            <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 3 }}>
              <RocChart evaluation={detail.validation} />
              <ConfusionMatrix evaluation={detail.validation} />
              <LearningCurve curve={detail.learningCurve} />
              <CalibrationChart evaluation={detail.validation} />
            </Box>
          ) : (
            <Typography>No validation report stored with this version.</Typography>
          )}
        </Stack>
      )}
    </CallStateView>
  );
}
