import {
  Alert,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@mui/material';
import { useMemo, type JSX } from 'react';
import type { ModelDetail } from '../../api/contract';
import { percent } from '../percent';
import { useApiCall } from '../useApi';
import type { JobFinished } from '../useJob';

type Evaluation = NonNullable<ModelDetail['validation']>;
type Comparison = NonNullable<ModelDetail['comparison']>;

/**
 * A job's outcome. A retraining's banner and table both read the candidate's stored file: the gate's
 * weighted ROC AUCs and both models' evaluations on the candidate's validation images. (The banner
 * once quoted the gate while the table quoted each model's own validation set, of other images.)
 */
export function JobOutcome({ event }: { event: JobFinished }): JSX.Element {
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
  // The decision starts with the verdict the banner already states in its own words.
  const reason = retrain.decision.replace(/^(promoted|rejected): /, '');
  return (
    <Stack spacing={1} data-testid="retrain-outcome">
      <Alert severity={retrain.promoted ? 'success' : 'warning'}>
        {retrain.promoted
          ? `Promoted ${retrain.candidate} in place of ${retrain.parent}: ${reason}.`
          : `Rejected ${retrain.candidate}; ${retrain.parent} stays active: ${reason}.`}
      </Alert>
      <Comparison candidate={retrain.candidate} promoted={retrain.promoted} />
    </Stack>
  );
}

function Comparison({ candidate, promoted }: { candidate: string; promoted: boolean }): JSX.Element {
  const { state } = useApiCall(
    'modelDetail',
    useMemo(() => ({ version: candidate }), [candidate]),
  );
  if (state.status === 'loading') return <LinearProgress aria-label="Loading the comparison" />;
  if (state.status === 'error') return <Alert severity="error">{state.message}</Alert>;
  const { comparison, validation } = state.data;
  if (!comparison || !validation) return <Alert severity="info">This version stores no comparison.</Alert>;
  return (
    <>
      <CalibrationChange after={validation} before={comparison.parentValidation} promoted={promoted} />
      <ComparisonTable candidate={candidate} comparison={comparison} validation={validation} />
    </>
  );
}

/** Whether the probabilities got more or less trustworthy, said plainly when they got worse. */
function CalibrationChange({
  after,
  before,
  promoted,
}: {
  after: Evaluation;
  before: Evaluation | null;
  promoted: boolean;
}): JSX.Element {
  if (!before || before.ece === null || after.ece === null) {
    return <Alert severity="info">The parent&apos;s calibration on these images was not recorded.</Alert>;
  }
  const change = `ECE ${before.ece.toFixed(3)} → ${after.ece.toFixed(3)}, log loss ${
    before.logLoss?.toFixed(3) ?? '—'
  } → ${after.logLoss?.toFixed(3) ?? '—'}`;
  const worse = after.ece > before.ece || (after.logLoss ?? 0) > (before.logLoss ?? Infinity);
  return (
    <Alert severity={worse && promoted ? 'warning' : 'info'} data-testid="calibration-change">
      {worse
        ? `Calibration worsened (${change}): its probabilities are further from the observed melanoma rates than the parent's.`
        : `Calibration held or improved (${change}).`}
    </Alert>
  );
}

function ComparisonTable({
  candidate,
  comparison,
  validation,
}: {
  candidate: string;
  comparison: Comparison;
  validation: Evaluation;
}): JSX.Element {
  const parent = comparison.parentValidation;
  const fixed = (value: number | null | undefined, digits: number): string => value?.toFixed(digits) ?? '—';
  const rows: [string, string, string][] = [
    [
      'ROC AUC, weighted as in training (the promotion gate)',
      fixed(comparison.weightedAuc, 4),
      fixed(comparison.parentWeightedAuc, 4),
    ],
    ['ROC AUC, unweighted', fixed(validation.rocAuc, 4), fixed(parent?.rocAuc, 4)],
    ['Sensitivity at its threshold', percent(validation.sensitivity), percent(parent?.sensitivity ?? null)],
    ['Specificity at its threshold', percent(validation.specificity), percent(parent?.specificity ?? null)],
    ['Threshold', percent(validation.threshold), parent ? percent(parent.threshold) : '—'],
    ['Expected calibration error (ECE)', fixed(validation.ece, 3), fixed(parent?.ece, 3)],
    ['Log loss', fixed(validation.logLoss, 3), fixed(parent?.logLoss, 3)],
  ];
  return (
    <Table size="small" aria-label="Candidate and parent">
      <caption>
        Both models on the same {validation.count} validation images ({validation.positives} melanomas).
      </caption>
      <TableHead>
        <TableRow>
          <TableCell component="th" scope="col">
            Measure
          </TableCell>
          <TableCell component="th" scope="col">
            candidate {candidate}
          </TableCell>
          <TableCell component="th" scope="col">
            parent {comparison.parent}
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(([name, left, right]) => (
          <TableRow key={name}>
            <TableCell component="th" scope="row">
              {name}
            </TableCell>
            <TableCell>{left}</TableCell>
            <TableCell>{right}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
