/**
 * The classifier head: logistic regression on image embeddings (one Float32Array, row-major, n rows of d).
 *
 *   z_j = (x_j − mean_j) / std_j          standardise, with mean and std of the training data
 *   p   = sigmoid(Σ_j weights_j · z_j + bias)
 *
 * Training minimises the weighted binary cross-entropy plus an L2 penalty on the weights (not the bias):
 *
 *   L = Σ_i c_i · ℓ(p_i, y_i) / Σ_i c_i + (l2 / 2) · Σ_j weights_j²,   c_i = sampleWeight_i · classWeight(y_i)
 *
 * A sample weight of k counts as k copies of the image everywhere (class balance, mean and std, loss), so a
 * weight of 0 leaves no trace. This is the same computation as a TensorFlow.js normalisation layer followed
 * by a dense layer with one sigmoid unit, so a later joint fine-tune can start from these parameters.
 */

import { createRandom, permutation } from './random';

/** What the model registry stores; plain JSON. */
export interface HeadParams {
  format: 'logistic-head-v1';
  dimension: number;
  mean: number[];
  std: number[];
  /** Weights on the standardised features. */
  weights: number[];
  bias: number;
}

export interface LabeledEmbeddings {
  /** n rows of d, row-major. */
  x: Float32Array;
  n: number;
  /** 1 melanoma, 0 not. */
  y: Uint8Array;
  /** Per-image weights >= 0, e.g. 3 for the clinic's own labels; default 1. */
  weights?: Float32Array;
}

export type ClassWeight = 'balanced' | 'none' | { negative: number; positive: number };

export interface CurvePoint {
  epoch: number;
  /** Weighted cross-entropy over the epoch's batches, as they were met (without the L2 term). */
  trainLoss: number;
  /**
   * Weighted cross-entropy on the validation set after the epoch (its own sample weights; balanced class
   * weights from its own class totals); null without one.
   */
  validationLoss: number | null;
}

export interface TrainOptions extends LabeledEmbeddings {
  d: number;
  /** Early stopping watches its loss: training stops after `patience` epochs without a better one. */
  validation?: LabeledEmbeddings;
  l2?: number;
  epochs?: number;
  learningRate?: number;
  patience?: number;
  /** Decides the batch order; the starting point is fixed (zero weights, bias at the prior). */
  seed?: number;
  /** Images per Adam step; n or more for full-batch descent. */
  batchSize?: number;
  /** balanced: W / (2 · W_class) with W the summed sample weights, i.e. n / (2 · n_class) when unweighted. */
  classWeight?: ClassWeight;
  /** Smallest fall in validation loss that counts as better. */
  minDelta?: number;
  onEpoch?: (point: CurvePoint) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  head: HeadParams;
  curve: CurvePoint[];
  /** The epoch whose parameters were kept: the best validation loss, else the last epoch. */
  bestEpoch: number;
}

export const HEAD_DEFAULTS = {
  l2: 1e-2,
  epochs: 100,
  learningRate: 1e-3,
  patience: 5,
  seed: 1,
  batchSize: 256,
  classWeight: 'balanced',
  minDelta: 0,
} as const satisfies Partial<TrainOptions>;

export class TrainingAbortedError extends Error {
  override name = 'AbortError';
  constructor(epoch: number, reason: unknown) {
    super(`Training of the classifier head was aborted in epoch ${epoch}`, { cause: reason });
  }
}

// These two loops carry nearly all the time; four accumulators let the CPU overlap the multiplies.

function dot(x: Float32Array, offset: number, w: Float64Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    s0 += x[offset + j]! * w[j]!;
    s1 += x[offset + j + 1]! * w[j + 1]!;
    s2 += x[offset + j + 2]! * w[j + 2]!;
    s3 += x[offset + j + 3]! * w[j + 3]!;
  }
  for (; j < d; j++) s0 += x[offset + j]! * w[j]!;
  return s0 + s1 + s2 + s3;
}

function addScaled(target: Float64Array, scale: number, x: Float32Array, offset: number, d: number): void {
  let j = 0;
  for (; j + 3 < d; j += 4) {
    target[j]! += scale * x[offset + j]!;
    target[j + 1]! += scale * x[offset + j + 1]!;
    target[j + 2]! += scale * x[offset + j + 2]!;
    target[j + 3]! += scale * x[offset + j + 3]!;
  }
  for (; j < d; j++) target[j]! += scale * x[offset + j]!;
}

/** log(1 + e^z) without overflow. */
const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Standardisation folded into the linear map: Σ w_j (x_j − μ_j)/σ_j + b = Σ (w_j/σ_j) x_j + (b − Σ w_j μ_j/σ_j),
 * so raw embeddings are scored without a standardised copy.
 */
export function foldStandardisation(
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  weights: ArrayLike<number>,
  bias: number,
  into = new Float64Array(weights.length),
): { weights: Float64Array; bias: number } {
  let b = bias;
  for (let j = 0; j < into.length; j++) {
    const w = weights[j]! / std[j]!;
    into[j] = w;
    b -= w * mean[j]!;
  }
  return { weights: into, bias: b };
}

/** Melanoma probability of each of n rows. */
export function predict(head: HeadParams, x: Float32Array, n: number): Float32Array {
  const d = head.dimension;
  if (head.mean.length !== d || head.std.length !== d || head.weights.length !== d)
    throw new RangeError(`head of dimension ${d} has parameters of another length`);
  if (x.length !== n * d) throw new RangeError(`${x.length} values are not ${n} rows of ${d}`);
  const folded = foldStandardisation(head.mean, head.std, head.weights, head.bias);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sigmoid(folded.bias + dot(x, i * d, folded.weights, d));
  return out;
}

interface Prepared {
  /** Rows with weight > 0, the only ones training reads. */
  rows: Uint32Array;
  /** c_i: sample weight × class weight. */
  c: Float64Array;
  total: number;
}

function classWeights(data: LabeledEmbeddings, choice: ClassWeight): [number, number] {
  if (choice === 'none') return [1, 1];
  if (choice !== 'balanced') return [choice.negative, choice.positive];
  const sums = [0, 0];
  for (let i = 0; i < data.n; i++) sums[data.y[i]!]! += data.weights?.[i] ?? 1;
  const [negative, positive] = sums as [number, number];
  const all = negative + positive;
  // A class without weight contributes nothing, whatever its weight.
  return [negative > 0 ? all / (2 * negative) : 0, positive > 0 ? all / (2 * positive) : 0];
}

function prepare(data: LabeledEmbeddings, d: number, choice: ClassWeight, name: string): Prepared {
  const { x, n, y, weights } = data;
  if (x.length !== n * d) throw new RangeError(`${name}: ${x.length} values are not ${n} rows of ${d}`);
  if (y.length !== n) throw new RangeError(`${name}: ${y.length} labels for ${n} rows`);
  if (weights && weights.length !== n)
    throw new RangeError(`${name}: ${weights.length} weights for ${n} rows`);
  for (let k = 0; k < x.length; k++)
    if (!Number.isFinite(x[k])) throw new RangeError(`${name}: embedding value ${k} is ${x[k]}`);
  const cw = classWeights(data, choice);
  const c = new Float64Array(n);
  const rows: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const label = y[i]!;
    const w = weights?.[i] ?? 1;
    if (label > 1) throw new RangeError(`${name}: label ${i} is ${label}, not 0 or 1`);
    if (!(w >= 0 && w < Infinity)) throw new RangeError(`${name}: weight ${i} is ${w}`);
    c[i] = w * cw[label]!;
    if (w > 0) rows.push(i);
    total += c[i]!;
  }
  return { rows: Uint32Array.from(rows), c, total };
}

/** Mean and (population) standard deviation per feature, rows counted by their sample weight. */
function standardisation(
  data: LabeledEmbeddings,
  rows: Uint32Array,
  d: number,
): [Float64Array, Float64Array] {
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  let total = 0;
  for (const i of rows) {
    const w = data.weights?.[i] ?? 1;
    addScaled(mean, w, data.x, i * d, d);
    total += w;
  }
  for (let j = 0; j < d; j++) mean[j]! /= total;
  // Two passes, not E[x²] − E[x]², which cancels badly when a feature's mean dwarfs its spread.
  for (const i of rows) {
    const w = data.weights?.[i] ?? 1;
    const offset = i * d;
    for (let j = 0; j < d; j++) {
      const delta = data.x[offset + j]! - mean[j]!;
      std[j]! += w * delta * delta;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j]! / total);
    // A constant feature standardises to 0 whatever it is divided by; 1 keeps that finite.
    std[j] = s > 1e-10 * Math.abs(mean[j]!) && s > 0 ? s : 1;
  }
  return [mean, std];
}

/** Σ c_i ℓ_i / Σ c_i on a data set with the folded parameters. */
function meanLoss(
  data: LabeledEmbeddings,
  prepared: Prepared,
  w: Float64Array,
  b: number,
  d: number,
): number {
  let sum = 0;
  for (const i of prepared.rows) {
    const z = b + dot(data.x, i * d, w, d);
    sum += prepared.c[i]! * (softplus(z) - data.y[i]! * z);
  }
  return sum / prepared.total;
}

/** The settings, defaults filled in for those left out (or undefined) and checked. */
function settingsOf(options: TrainOptions) {
  const d = HEAD_DEFAULTS;
  const s = {
    l2: options.l2 ?? d.l2,
    epochs: options.epochs ?? d.epochs,
    learningRate: options.learningRate ?? d.learningRate,
    patience: options.patience ?? d.patience,
    seed: options.seed ?? d.seed,
    batchSize: options.batchSize ?? d.batchSize,
    classWeight: options.classWeight ?? d.classWeight,
    minDelta: options.minDelta ?? d.minDelta,
  };
  if (!(s.l2 >= 0 && s.learningRate > 0 && s.minDelta >= 0))
    throw new RangeError(
      `l2 ${s.l2} and minDelta ${s.minDelta} must be >= 0, learningRate ${s.learningRate} > 0`,
    );
  for (const [name, value] of Object.entries({
    epochs: s.epochs,
    patience: s.patience,
    batchSize: s.batchSize,
  }))
    if (!(Number.isInteger(value) && value >= 1))
      throw new RangeError(`${name} ${value} is not an integer >= 1`);
  return s;
}

function* training(options: TrainOptions): Generator<CurvePoint, TrainResult, void> {
  const o = options;
  const s = settingsOf(options);
  const { d, signal } = o;
  const checkAbort = (epoch: number): void => {
    if (signal?.aborted) throw new TrainingAbortedError(epoch, signal.reason);
  };
  checkAbort(0);
  const train = prepare(o, d, s.classWeight, 'training');
  if (!train.c.some((c, i) => c > 0 && o.y[i] === 1) || !train.c.some((c, i) => c > 0 && o.y[i] === 0))
    throw new RangeError('training needs melanomas and non-melanomas with weight > 0');
  const validation = o.validation && prepare(o.validation, d, s.classWeight, 'validation');
  const [mean, std] = standardisation(o, train.rows, d);

  // Zero weights and the bias at the weighted prior: the best constant model, the same for every seed.
  let positive = 0;
  for (const i of train.rows) positive += o.y[i]! * train.c[i]!;
  const w = new Float64Array(d);
  let b = Math.log(positive / (train.total - positive));
  const best = { w: new Float64Array(d), b, loss: Infinity, epoch: 0 };
  const folded = new Float64Array(d);
  let foldedBias = foldStandardisation(mean, std, w, b, folded).bias;

  // Adam (Kingma & Ba) on the weights (first d entries of m and v) and the bias (last entry).
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const grad = new Float64Array(d);
  const random = createRandom(s.seed);
  const batchSize = Math.max(1, Math.min(s.batchSize, train.rows.length));
  const curve: CurvePoint[] = [];
  let step = 0;
  let waited = 0;

  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    checkAbort(epoch);
    const order = permutation(train.rows.length, random);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      checkAbort(epoch);
      const end = Math.min(start + batchSize, order.length);
      grad.fill(0);
      let gradBias = 0;
      for (let k = start; k < end; k++) {
        const i = train.rows[order[k]!]!;
        const z = foldedBias + dot(o.x, i * d, folded, d);
        const c = train.c[i]!;
        const label = o.y[i]!;
        lossSum += c * (softplus(z) - label * z);
        const g = c * (sigmoid(z) - label);
        gradBias += g;
        addScaled(grad, g, o.x, i * d, d);
      }
      // The batch stands for all rows: scale its sum up to the data set, then divide by Σ c.
      const scale = order.length / ((end - start) * train.total);
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      const rate = (s.learningRate * Math.sqrt(correction2)) / correction1;
      for (let j = 0; j <= d; j++) {
        // ∂L/∂w_j in standardised space: Σ g_i (x_ij − μ_j) / σ_j.
        const gj =
          j < d ? (scale * (grad[j]! - mean[j]! * gradBias)) / std[j]! + s.l2 * w[j]! : scale * gradBias;
        m[j] = beta1 * m[j]! + (1 - beta1) * gj;
        v[j] = beta2 * v[j]! + (1 - beta2) * gj * gj;
        const delta = (rate * m[j]!) / (Math.sqrt(v[j]!) + epsilon);
        if (j < d) w[j]! -= delta;
        else b -= delta;
      }
      foldedBias = foldStandardisation(mean, std, w, b, folded).bias;
    }

    const point: CurvePoint = {
      epoch,
      trainLoss: lossSum / train.total,
      validationLoss:
        validation && o.validation ? meanLoss(o.validation, validation, folded, foldedBias, d) : null,
    };
    curve.push(point);
    o.onEpoch?.(point);
    const loss = point.validationLoss ?? -epoch;
    if (loss < best.loss - s.minDelta) {
      best.w.set(w);
      best.b = b;
      best.loss = loss;
      best.epoch = epoch;
      waited = 0;
    } else if (++waited >= s.patience && validation) break;
    yield point;
  }

  const head: HeadParams = {
    format: 'logistic-head-v1',
    dimension: d,
    mean: Array.from(mean),
    std: Array.from(std),
    weights: Array.from(best.w),
    bias: best.b,
  };
  return { head, curve, bestEpoch: best.epoch };
}

/** Trains the head; blocks until done (run it in a worker or utility process). */
export function trainHead(options: TrainOptions): TrainResult {
  const run = training(options);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/** The same, yielding to the event loop after each epoch so that an abort from outside can arrive. */
export async function trainHeadAsync(options: TrainOptions): Promise<TrainResult> {
  const run = training(options);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
