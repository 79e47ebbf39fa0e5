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
import type { ModelDetail, ModelSummary } from '../../api/contract';
import { CallStateView } from '../CallStateView';
import { messageOf, useApiCall } from '../useApi';
import { useJob, type JobFinished, type JobProgress } from '../useJob';
import { percent } from '../percent';
import { CalibrationChart, ConfusionMatrix, LearningCurve, RocChart } from './ModelCharts';

type Finished = JobFinished;

/**
 * The model: the active version and its report, "Retrain now" and "Deep retrain" with live progress
 * and cancel, the promotion decision with the candidate beside its parent, and the history with
 * rollback.
 */
export function ModelView({ onModelChanged }: { onModelChanged: () => void }): JSX.Element {
  const models = useApiCall('models', undefined);
  const backend = useApiCall('backend', undefined);
  const [error, setError] = useState<string | null>(null);
  const api = window.api;
  const reloadModels = models.reload;
  const changed = useCallback(() => {
    reloadModels();
    onModelChanged();
  }, [reloadModels, onModelChanged]);
  const { jobId, running, progress, finished, follow } = useJob(changed);
  const job = running ? jobId : null;

  const startJob = (start: () => Promise<{ jobId: number }>): void => {
    setError(null);
    start().then(
      ({ jobId: started }) => follow(started),
      (e: unknown) => setError(messageOf(e)),
    );
  };

  return (
    <Stack spacing={2}>
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
            <Button
              variant="outlined"
              title="Fine-tunes the top of the network with the classifier: tens of minutes on a CPU"
              onClick={() => startJob(() => api!.startRetrain({ depth: 'deep' }))}
            >
              Deep retrain
            </Button>
          </>
        ) : (
          <Button color="warning" onClick={() => void api?.cancelJob({ jobId: job })}>
            Cancel
          </Button>
        )}
      </Stack>
      {job !== null && (
        <Box role="status" aria-label="Retraining progress">
          <LinearProgress />
          <Typography variant="body2">{progressText(progress)}</Typography>
        </Box>
      )}
      {error && <Alert severity="error">{error}</Alert>}
      {finished && <Outcome event={finished} />}
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

/** Where a retraining is, in words: the last epoch's loss, and deep retraining's steps between them. */
function progressText(progress: readonly JobProgress[]): string {
  const epoch = progress.filter((p) => p.loss).at(-1);
  const auc = epoch?.loss?.validationAuc;
  const epochText = epoch?.loss
    ? `epoch ${epoch.done}: training loss ${epoch.loss.training.toFixed(4)}` +
      (auc === undefined ? '' : `, validation ROC AUC ${auc.toFixed(3)}`)
    : null;
  const last = progress.at(-1);
  const of = (p: JobProgress): string => `${p.done} of ${p.total ?? '?'} images`;
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

function Outcome({ event }: { event: Finished }): JSX.Element {
  if (event.outcome !== 'done') {
    return (
      <Alert
        severity={event.outcome === 'cancelled' ? 'warning' : 'error'}
      >{`${event.kind} ${event.outcome}${event.message ? `: ${event.message}` : ''}`}</Alert>
    );
  }
  if (event.rollback)
    return (
      <Alert severity="success">{`${event.rollback.active} is active again; ${event.rollback.rescored} images re-scored.`}</Alert>
    );
  const retrain = event.retrain!;
  return (
    <Stack spacing={1} data-testid="retrain-outcome">
      <Alert severity={retrain.promoted ? 'success' : 'warning'}>
        {retrain.promoted ? 'Promoted' : 'Rejected'} {retrain.candidate}: {retrain.decision}
      </Alert>
      <SideBySide candidate={retrain.candidate} parent={retrain.parent} />
    </Stack>
  );
}

/** The candidate's report beside its parent's, on the same validation set. */
function SideBySide({ candidate, parent }: { candidate: string; parent: string }): JSX.Element {
  const a = useApiCall(
    'modelDetail',
    useMemo(() => ({ version: candidate }), [candidate]),
  );
  const b = useApiCall(
    'modelDetail',
    useMemo(() => ({ version: parent }), [parent]),
  );
  if (a.state.status !== 'ok' || b.state.status !== 'ok') return <LinearProgress />;
  const left = a.state.data;
  const right = b.state.data;
  const rows: [string, (d: ModelDetail) => string][] = [
    ['ROC AUC', (d) => d.validation?.rocAuc?.toFixed(4) ?? '—'],
    ['Sensitivity', (d) => percent(d.validation?.sensitivity ?? null)],
    ['Specificity', (d) => percent(d.validation?.specificity ?? null)],
    ['Threshold', (d) => percent(d.threshold)],
    ['Validation images', (d) => String(d.validation?.count ?? '—')],
  ];
  return (
    <Table size="small" aria-label="Candidate and parent">
      <TableHead>
        <TableRow>
          <TableCell />
          <TableCell>candidate {candidate}</TableCell>
          <TableCell>parent {parent}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(([name, value]) => (
          <TableRow key={name}>
            <TableCell component="th">{name}</TableCell>
            <TableCell>{value(left)}</TableCell>
            <TableCell>{value(right)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
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
            <TableCell>ROC AUC</TableCell>
            <TableCell>created</TableCell>
            <TableCell />
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
              <TableCell>{m.createdAt}</TableCell>
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
            {detail.version} ({detail.kind}, {detail.status}); trained {detail.provenance.trainedAt}, on{' '}
            {detail.provenance.backend}
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
