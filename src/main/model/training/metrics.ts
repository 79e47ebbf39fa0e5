/**
 * Evaluation of melanoma scores against ground truth. Scores are probabilities (higher = more likely
 * melanoma); labels are 1 for melanoma, 0 otherwise; an image counts as flagged when score >= threshold.
 * Functions return NaN where a metric is undefined (say, sensitivity without melanomas); `evaluate` turns
 * those into null, because JSON has no NaN.
 */

export type Scores = ArrayLike<number>;
export type Labels = ArrayLike<number>;
export type Weights = ArrayLike<number>;

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Images with score >= threshold are flagged at this point. */
  threshold: number;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

/** Cumulative (weighted) true and false positives as the threshold falls through each distinct score. */
interface Steps {
  thresholds: number[];
  tp: number[];
  fp: number[];
  positives: number;
  negatives: number;
}

export function checkInputs(scores: Scores, labels: Labels, weights?: Weights): void {
  if (labels.length !== scores.length)
    throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  if (weights && weights.length !== scores.length)
    throw new RangeError(`${scores.length} scores but ${weights.length} weights`);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}, not 0 or 1`);
    const w = weights?.[i] ?? 1;
    if (!(w >= 0 && w < Infinity)) throw new RangeError(`weight ${i} is ${w}, not a finite number >= 0`);
  }
}

function steps(scores: Scores, labels: Labels, weights?: Weights): Steps {
  checkInputs(scores, labels, weights);
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Compared, not subtracted: Infinity − Infinity would be NaN.
  order.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa > sb ? -1 : sa < sb ? 1 : 0;
  });
  const result: Steps = { thresholds: [], tp: [], fp: [], positives: 0, negatives: 0 };
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const w = weights?.[i] ?? 1;
    if (labels[i] === 1) tp += w;
    else fp += w;
    // Tied scores are one step: a threshold cannot separate them.
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      result.thresholds.push(scores[i] as number);
      result.tp.push(tp);
      result.fp.push(fp);
    }
  }
  result.positives = tp;
  result.negatives = fp;
  return result;
}

/**
 * ROC curve from (0, 0) to (1, 1), one point per distinct score. The first point's threshold is the highest
 * score + 1 (as scikit-learn did before 1.3; its Infinity would not survive JSON). dropIntermediate drops
 * points inside horizontal or vertical runs, which leaves the curve's shape and area unchanged. Empty when
 * either class is missing.
 */
export function rocCurve(
  scores: Scores,
  labels: Labels,
  options: { weights?: Weights; dropIntermediate?: boolean } = {},
): RocPoint[] {
  const s = steps(scores, labels, options.weights);
  if (!(s.positives > 0 && s.negatives > 0)) return [];
  const fp = [0, ...s.fp];
  const tp = [0, ...s.tp];
  const thresholds = [(s.thresholds[0] as number) + 1, ...s.thresholds];
  const points: RocPoint[] = [];
  for (let k = 0; k < fp.length; k++) {
    const at = (a: number[], j: number): number => a[j] as number;
    const inner = k > 0 && k < fp.length - 1;
    const straight =
      inner &&
      at(fp, k - 1) - 2 * at(fp, k) + at(fp, k + 1) === 0 &&
      at(tp, k - 1) - 2 * at(tp, k) + at(tp, k + 1) === 0;
    if (options.dropIntermediate && straight) continue;
    points.push({ fpr: at(fp, k) / s.negatives, tpr: at(tp, k) / s.positives, threshold: at(thresholds, k) });
  }
  return points;
}

/**
 * Area under the ROC curve by the trapezoid rule over every distinct score; equal to the Mann–Whitney U
 * statistic / (positives · negatives) with tied pairs counted 1/2.
 */
export function rocAuc(scores: Scores, labels: Labels, weights?: Weights): number {
  const s = steps(scores, labels, weights);
  if (!(s.positives > 0 && s.negatives > 0)) return NaN;
  let area = 0;
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < s.thresholds.length; k++) {
    const nextTp = s.tp[k] as number;
    const nextFp = s.fp[k] as number;
    area += ((nextFp - fp) * (nextTp + tp)) / 2;
    tp = nextTp;
    fp = nextFp;
  }
  return area / (s.positives * s.negatives);
}

/**
 * Average precision as scikit-learn's average_precision_score defines it: Σ (R_k − R_k−1) · P_k over the
 * distinct scores from the highest down, a step function with no interpolation.
 */
export function averagePrecision(scores: Scores, labels: Labels, weights?: Weights): number {
  const s = steps(scores, labels, weights);
  if (!(s.positives > 0)) return NaN;
  let sum = 0;
  let previousTp = 0;
  for (let k = 0; k < s.thresholds.length; k++) {
    const tp = s.tp[k] as number;
    // A step that adds no recall adds nothing, and may have zero weight (precision 0/0).
    if (tp > previousTp) sum += (tp - previousTp) * (tp / (tp + (s.fp[k] as number)));
    previousTp = tp;
  }
  return sum / s.positives;
}

/** Counts (or summed weights) at a threshold: score >= threshold is positive. */
export function confusionMatrix(
  scores: Scores,
  labels: Labels,
  threshold: number,
  weights?: Weights,
): Confusion {
  checkInputs(scores, labels, weights);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const w = weights?.[i] ?? 1;
    const flagged = (scores[i] as number) >= threshold;
    if (labels[i] === 1) {
      if (flagged) c.tp += w;
      else c.fn += w;
    } else if (flagged) c.fp += w;
    else c.tn += w;
  }
  return c;
}

export const sensitivity = (c: Confusion): number => c.tp / (c.tp + c.fn);
export const specificity = (c: Confusion): number => c.tn / (c.tn + c.fp);
export const precision = (c: Confusion): number => c.tp / (c.tp + c.fp);
export const f1 = (c: Confusion): number => (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
export const accuracy = (c: Confusion): number => (c.tp + c.tn) / (c.tp + c.tn + c.fp + c.fn);

function checkProbabilities(scores: Scores): void {
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] as number;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`score ${i} is ${p}, not a probability`);
  }
}

/** Probabilities are clipped here so that a confident mistake costs log(1e15) ≈ 34.5, not Infinity. */
const LOG_LOSS_EPSILON = 1e-15;

/** Mean (weighted) binary cross-entropy, natural logarithm. */
export function logLoss(scores: Scores, labels: Labels, weights?: Weights): number {
  checkInputs(scores, labels, weights);
  checkProbabilities(scores);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const w = weights?.[i] ?? 1;
    if (w === 0) continue;
    const p = Math.min(Math.max(scores[i] as number, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    sum -= w * Math.log(labels[i] === 1 ? p : 1 - p);
    total += w;
  }
  return sum / total;
}

/**
 * Reliability diagram in equal-width bins over [0, 1] (the last bin includes 1) and the expected calibration
 * error: Σ (count_b / n) · |mean predicted_b − observed rate_b|.
 */
export function reliability(
  scores: Scores,
  labels: Labels,
  binCount = 10,
): { ece: number; bins: ReliabilityBin[] } {
  checkInputs(scores, labels);
  checkProbabilities(scores);
  const counts = new Float64Array(binCount);
  const predicted = new Float64Array(binCount);
  const observed = new Float64Array(binCount);
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] as number;
    const b = Math.min(Math.floor(p * binCount), binCount - 1);
    counts[b]!++;
    predicted[b]! += p;
    observed[b]! += labels[i] as number;
  }
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const count = counts[b] as number;
    const meanPredicted = count > 0 ? (predicted[b] as number) / count : null;
    const observedRate = count > 0 ? (observed[b] as number) / count : null;
    if (meanPredicted !== null && observedRate !== null)
      ece += (count / scores.length) * Math.abs(meanPredicted - observedRate);
    bins.push({ lower: b / binCount, upper: (b + 1) / binCount, count, meanPredicted, observedRate });
  }
  return { ece: scores.length > 0 ? ece : NaN, bins };
}

export interface Evaluation {
  count: number;
  positives: number;
  negatives: number;
  threshold: number;
  rocAuc: number | null;
  prAuc: number | null;
  confusion: Confusion;
  sensitivity: number | null;
  specificity: number | null;
  precision: number | null;
  f1: number | null;
  accuracy: number | null;
  logLoss: number | null;
  ece: number | null;
  reliability: ReliabilityBin[];
  roc: RocPoint[];
}

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Everything above in one plain, JSON-serialisable object (the model registry stores it as is). */
export function evaluate(scores: Scores, labels: Labels, threshold: number): Evaluation {
  const confusion = confusionMatrix(scores, labels, threshold);
  const calibration = reliability(scores, labels);
  return {
    count: scores.length,
    positives: confusion.tp + confusion.fn,
    negatives: confusion.tn + confusion.fp,
    threshold,
    rocAuc: orNull(rocAuc(scores, labels)),
    prAuc: orNull(averagePrecision(scores, labels)),
    confusion,
    sensitivity: orNull(sensitivity(confusion)),
    specificity: orNull(specificity(confusion)),
    precision: orNull(precision(confusion)),
    f1: orNull(f1(confusion)),
    accuracy: orNull(accuracy(confusion)),
    logLoss: orNull(logLoss(scores, labels)),
    ece: orNull(calibration.ece),
    reliability: calibration.bins,
    roc: rocCurve(scores, labels, { dropIntermediate: true }),
  };
}
