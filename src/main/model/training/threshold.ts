/**
 * The operating threshold: images scoring at or above it are flagged for the dermatologist. It is chosen on
 * validation data to catch a target share of melanomas, and reported with how sure we can be of that share
 * on the clinic's own melanomas, which are few.
 */

import { checkInputs, type Labels, type Scores, type Weights } from './metrics';

export interface OperatingThreshold {
  threshold: number;
  /** Weighted sensitivity reached on the data it was chosen on (>= target). */
  sensitivity: number;
  /** Weighted specificity there; NaN without negatives. */
  specificity: number;
}

/** Weighted sums accumulate rounding; a share this close to the target counts as reaching it. */
const TOLERANCE = 1e-12;

/**
 * The highest threshold whose weighted sensitivity is >= target. It is always one of the melanomas' scores,
 * returned exactly as stored (a Float32Array score compares equal to it), so `score >= threshold` flags
 * that melanoma and every image scoring the same.
 */
export function thresholdForSensitivity(
  scores: Scores,
  labels: Labels,
  options: { target?: number; weights?: Weights } = {},
): OperatingThreshold {
  const target = options.target ?? 0.95;
  const weights = options.weights;
  if (!(target > 0 && target <= 1)) throw new RangeError(`target sensitivity ${target} is not in (0, 1]`);
  checkInputs(scores, labels, weights);
  const positives: number[] = [];
  let positiveWeight = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    positives.push(i);
    positiveWeight += weights?.[i] ?? 1;
  }
  if (!(positiveWeight > 0)) throw new RangeError('no melanomas (with weight > 0) to set a threshold on');
  positives.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa > sb ? -1 : sa < sb ? 1 : 0;
  });

  let caught = 0;
  let threshold = NaN;
  for (let k = 0; k < positives.length; k++) {
    const i = positives[k] as number;
    caught += weights?.[i] ?? 1;
    const next = positives[k + 1];
    // Tied melanomas are caught together; the threshold cannot fall between them.
    if (next !== undefined && scores[next] === scores[i]) continue;
    if (caught >= target * positiveWeight * (1 - TOLERANCE)) {
      threshold = scores[i] as number;
      break;
    }
  }
  let negatives = 0;
  let cleared = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) continue;
    const w = weights?.[i] ?? 1;
    negatives += w;
    if ((scores[i] as number) < threshold) cleared += w;
  }
  return { threshold, sensitivity: caught / positiveWeight, specificity: cleared / negatives };
}

export interface SensitivityEstimate {
  /** Melanomas in the subset: the sample size behind the interval. */
  positives: number;
  /** Of those, flagged at the threshold. */
  detected: number;
  /** detected / positives; null without melanomas. */
  sensitivity: number | null;
  /** 95 % Wilson score interval; [0, 1] without melanomas (nothing is known). */
  lower: number;
  upper: number;
}

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion: unlike the normal approximation it stays inside [0, 1]
 * and is honest for small counts and proportions near 1, which is where sensitivity on a clinic's few
 * melanomas lies.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Sensitivity at a threshold on the images a mask selects (e.g. the clinic's own), counting images, not
 * weights: the interval is about how many melanomas stand behind the estimate.
 */
export function sensitivityEstimate(
  scores: Scores,
  labels: Labels,
  threshold: number,
  subset?: ArrayLike<boolean | number>,
): SensitivityEstimate {
  checkInputs(scores, labels);
  if (subset && subset.length !== scores.length)
    throw new RangeError(`${scores.length} scores but a subset mask of ${subset.length}`);
  let positives = 0;
  let detected = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1 || (subset && !subset[i])) continue;
    positives++;
    if ((scores[i] as number) >= threshold) detected++;
  }
  const { lower, upper } = wilsonInterval(detected, positives);
  return { positives, detected, sensitivity: positives > 0 ? detected / positives : null, lower, upper };
}
