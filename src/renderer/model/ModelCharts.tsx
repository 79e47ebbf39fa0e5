import { Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { LineChart } from '@mui/x-charts/LineChart';
import { useCallback, useState, type JSX } from 'react';
import type { ModelDetail } from '../../api/contract';
import { percent } from '../percent';

type Evaluation = NonNullable<ModelDetail['validation']>;

/** The validation ROC curve, with the chance diagonal. */
export function RocChart({ evaluation }: { evaluation: Evaluation }): JSX.Element {
  const points = [...evaluation.roc].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
  return (
    <ChartFigure
      title={`ROC curve (AUC ${evaluation.rocAuc?.toFixed(3) ?? '—'})`}
      chart={(width) => (
        <LineChart
          skipAnimation
          width={width}
          height={260}
          dataset={points.map((p) => ({ fpr: p.fpr, tpr: p.tpr, chance: p.fpr }))}
          xAxis={[{ dataKey: 'fpr', label: '1 − specificity', min: 0, max: 1 }]}
          yAxis={[{ min: 0, max: 1, label: 'sensitivity' }]}
          series={[
            { dataKey: 'tpr', label: 'model', showMark: false, curve: 'stepAfter' },
            { dataKey: 'chance', label: 'chance', showMark: false, curve: 'linear' },
          ]}
        />
      )}
    />
  );
}

/** Training and validation loss by epoch (and validation AUC where the run recorded it). */
export function LearningCurve({ curve }: { curve: ModelDetail['learningCurve'] }): JSX.Element {
  // A deep retraining stops on validation ROC AUC, and records it per epoch: shown on its own axis.
  const withAuc = curve.some((p) => p.validationAuc !== undefined);
  return (
    <ChartFigure
      title="Learning curve"
      chart={(width) => (
        <LineChart
          skipAnimation
          width={width}
          height={260}
          dataset={curve.map((p) => ({
            ...p,
            validationLoss: p.validationLoss ?? null,
            validationAuc: p.validationAuc ?? null,
          }))}
          xAxis={[{ dataKey: 'epoch', label: 'epoch', scaleType: 'point' }]}
          yAxis={[
            { id: 'loss', label: 'loss' },
            ...(withAuc ? [{ id: 'auc', label: 'ROC AUC', position: 'right' as const }] : []),
          ]}
          series={[
            { dataKey: 'trainLoss', label: 'training loss', yAxisId: 'loss' },
            { dataKey: 'validationLoss', label: 'validation loss', yAxisId: 'loss' },
            ...(withAuc ? [{ dataKey: 'validationAuc', label: 'validation ROC AUC', yAxisId: 'auc' }] : []),
          ]}
        />
      )}
    />
  );
}

/** Mean predicted probability against the observed melanoma rate, per probability bin. */
export function CalibrationChart({ evaluation }: { evaluation: Evaluation }): JSX.Element {
  const bins = evaluation.reliability.filter((b) => b.count > 0 && b.meanPredicted !== null);
  return (
    <ChartFigure
      title={`Calibration (ECE ${evaluation.ece?.toFixed(3) ?? '—'})`}
      chart={(width) => (
        <LineChart
          skipAnimation
          width={width}
          height={260}
          dataset={bins.map((b) => ({
            predicted: b.meanPredicted,
            observed: b.observedRate,
            ideal: b.meanPredicted,
          }))}
          xAxis={[{ dataKey: 'predicted', label: 'predicted probability', min: 0, max: 1 }]}
          yAxis={[{ min: 0, max: 1, label: 'observed rate' }]}
          series={[
            { dataKey: 'observed', label: 'model', curve: 'linear' },
            { dataKey: 'ideal', label: 'ideal', showMark: false, curve: 'linear' },
          ]}
        />
      )}
    />
  );
}

/** The confusion matrix at the operating threshold, and the rates read from it. */
export function ConfusionMatrix({ evaluation }: { evaluation: Evaluation }): JSX.Element {
  const { tp, fp, tn, fn } = evaluation.confusion;
  return (
    <Figure title={`At the threshold ${(100 * evaluation.threshold).toFixed(1)} %`}>
      <Table size="small" aria-label="Confusion matrix">
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              truth
            </TableCell>
            <TableCell>flagged suspicious</TableCell>
            <TableCell>not flagged</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          <TableRow>
            <TableCell component="th" scope="row">
              melanoma
            </TableCell>
            <TableCell>{tp}</TableCell>
            <TableCell>{fn}</TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row">
              not melanoma
            </TableCell>
            <TableCell>{fp}</TableCell>
            <TableCell>{tn}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
      <Typography variant="body2" sx={{ mt: 1 }}>
        Sensitivity {percent(evaluation.sensitivity)} · specificity {percent(evaluation.specificity)} ·
        precision {percent(evaluation.precision)} · on {evaluation.count} validation images (
        {evaluation.positives} melanomas)
      </Typography>
    </Figure>
  );
}

function Figure({ title, children }: { title: string; children: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <Box component="figure" sx={{ m: 0 }}>
      <Typography component="figcaption" variant="subtitle2" sx={{ mb: 1 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

/** Narrower than this the axes' labels do not fit, and the chart draws nothing useful. */
const MIN_CHART_WIDTH = 120;

/**
 * A chart drawn at its box's measured width, and only once that is wide enough: the model screen stays
 * mounted while hidden, where a chart sized to its 0 px container drew a clip <rect> of width -5, which
 * Chromium logs as an error.
 */
function ChartFigure({
  title,
  chart,
}: {
  title: string;
  chart: (width: number) => JSX.Element;
}): JSX.Element {
  const [width, setWidth] = useState(0);
  const measure = useCallback((element: HTMLElement | null) => {
    if (!element) return undefined;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <Box component="figure" sx={{ m: 0, minHeight: 260 + 32 }} ref={measure}>
      <Typography component="figcaption" variant="subtitle2" sx={{ mb: 1 }}>
        {title}
      </Typography>
      {width >= MIN_CHART_WIDTH && chart(width)}
    </Box>
  );
}
