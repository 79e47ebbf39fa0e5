import { describe, expect, it } from 'vitest';
import {
  predict,
  trainHead,
  trainHeadAsync,
  TrainingAbortedError,
  type LabeledEmbeddings,
  type TrainOptions,
} from '../../src/main/model/training/head';
import { confusionMatrix, logLoss, rocAuc, sensitivity } from '../../src/main/model/training/metrics';
import { createRandom } from '../../src/main/model/training/random';

/**
 * Two Gaussian classes in d dimensions whose means differ by `separation` standard deviations along one
 * random direction; each feature gets its own offset and scale, as embeddings have.
 */
function gaussians(n: number, d: number, positiveShare: number, separation: number, seed: number) {
  const random = createRandom(seed);
  const layout = createRandom(1000);
  const direction = Array.from({ length: d }, () => layout.normal());
  const norm = Math.hypot(...direction);
  const offset = Array.from({ length: d }, () => 5 * layout.next());
  const scale = Array.from({ length: d }, () => 0.2 + 3 * layout.next());
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = random.next() < positiveShare ? 1 : 0;
    for (let j = 0; j < d; j++) {
      const shift = (y[i]! * separation * direction[j]!) / norm;
      x[i * d + j] = offset[j]! + scale[j]! * (random.normal() + shift);
    }
  }
  return { x, n, y } satisfies LabeledEmbeddings;
}

const D = 16;
const base = (seed = 1): TrainOptions => ({
  ...gaussians(400, D, 0.3, 3, seed),
  d: D,
  validation: gaussians(200, D, 0.3, 3, seed + 100),
  epochs: 60,
  learningRate: 0.01,
  batchSize: 64,
  seed: 1,
});

describe('trainHead', () => {
  it('separates well-separated classes (AUC > 0.99)', () => {
    const options = { ...base(), ...gaussians(600, 32, 0.3, 6, 2), d: 32 };
    options.validation = gaussians(300, 32, 0.3, 6, 3);
    const { head } = trainHead(options);
    expect(rocAuc(predict(head, options.validation.x, 300), options.validation.y)).toBeGreaterThan(0.99);
  });

  it('catches more melanomas of a 1:19 set with balanced class weights than without', () => {
    const data = { ...gaussians(2000, D, 0.05, 2, 4), d: D, epochs: 40, learningRate: 0.01, seed: 1 };
    const test = gaussians(2000, D, 0.05, 2, 5);
    const sensitivityWith = (classWeight: 'balanced' | 'none'): number => {
      const scores = predict(trainHead({ ...data, classWeight }).head, test.x, test.n);
      return sensitivity(confusionMatrix(scores, test.y, 0.5));
    };
    const balanced = sensitivityWith('balanced');
    const plain = sensitivityWith('none');
    expect(balanced).toBeGreaterThan(0.7);
    expect(balanced).toBeGreaterThan(plain + 0.3);
  });

  it('ignores a sample weighted 0, as if it were not there', () => {
    const options = base();
    const n = options.n + 1;
    // An extra, misleading image (a far-off melanoma) in the middle, weighted 0.
    const at = 123;
    const x = new Float32Array(n * D);
    x.set(options.x.subarray(0, at * D));
    x.fill(50, at * D, (at + 1) * D);
    x.set(options.x.subarray(at * D), (at + 1) * D);
    const y = Uint8Array.from([...options.y.subarray(0, at), 1, ...options.y.subarray(at)]);
    const weights = new Float32Array(n).fill(1);
    weights[at] = 0;
    const without = trainHead({ ...options, weights: new Float32Array(options.n).fill(1) });
    const withZero = trainHead({ ...options, x, n, y, weights });
    expect(withZero).toEqual(without);
  });

  it('gives weighted images more say', () => {
    const options = base();
    const weights = new Float32Array(options.n).fill(1);
    for (let i = 0; i < 40; i++) weights[i] = 3;
    expect(trainHead({ ...options, weights }).head).not.toEqual(trainHead(options).head);
  });

  it('is deterministic per seed', () => {
    expect(trainHead(base())).toEqual(trainHead(base()));
    expect(trainHead({ ...base(), seed: 2 }).head).not.toEqual(trainHead(base()).head);
  });

  it('stops early and keeps the epoch with the lowest validation loss', () => {
    // Few images, many features, noisy labels, no penalty: it overfits after a few epochs.
    const d = 200;
    const train = gaussians(60, d, 0.5, 2, 6);
    const validation = gaussians(300, d, 0.5, 2, 7);
    const { head, curve, bestEpoch } = trainHead({
      ...train,
      d,
      validation,
      l2: 0,
      epochs: 500,
      patience: 10,
      learningRate: 0.003,
      batchSize: 60,
      classWeight: 'none',
    });
    // The validation loss falls for a while (to epoch 23 here), then rises for `patience` epochs.
    expect(bestEpoch).toBeGreaterThan(5);
    expect(curve.length).toBe(bestEpoch + 10);
    const losses = curve.map((point) => point.validationLoss!);
    expect(losses[bestEpoch - 1]).toBe(Math.min(...losses));
    expect(curve[curve.length - 1]!.validationLoss).toBeGreaterThan(losses[bestEpoch - 1]!);
    // The head returned is that epoch's: its validation loss is the one recorded then.
    expect(logLoss(predict(head, validation.x, validation.n), validation.y)).toBeCloseTo(
      losses[bestEpoch - 1]!,
      5,
    );
  });

  it('records a learning curve, one point per epoch, and reports each', () => {
    const seen: number[] = [];
    const { curve } = trainHead({ ...base(), epochs: 5, onEpoch: (point) => seen.push(point.epoch) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(curve.map((point) => point.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(curve[4]!.trainLoss).toBeLessThan(curve[0]!.trainLoss);
    expect(curve[4]!.validationLoss).toBeLessThan(curve[0]!.validationLoss!);
  });

  it('stops when its AbortSignal fires, with an error that says so', async () => {
    const controller = new AbortController();
    const epochs: number[] = [];
    const abortAtThree = (point: { epoch: number }): void => {
      epochs.push(point.epoch);
      if (point.epoch === 3) controller.abort();
    };
    expect(() => trainHead({ ...base(), signal: controller.signal, onEpoch: abortAtThree })).toThrow(
      /aborted in epoch 4/,
    );
    expect(epochs).toEqual([1, 2, 3]);

    // The async variant lets an abort from a timer or a message arrive between epochs.
    const later = new AbortController();
    const run = trainHeadAsync({ ...base(), validation: undefined, epochs: 1e9, signal: later.signal });
    setTimeout(() => later.abort(), 50);
    await expect(run).rejects.toBeInstanceOf(TrainingAbortedError);
    await expect(run).rejects.toThrow(/aborted/);
  });

  it('rejects malformed input', () => {
    expect(() => trainHead({ ...base(), n: 399 })).toThrow(/not 399 rows of 16/);
    expect(() => trainHead({ ...base(), y: new Uint8Array(400) })).toThrow(/melanomas and non-melanomas/);
    const x = base().x.slice();
    x[5] = NaN;
    expect(() => trainHead({ ...base(), x })).toThrow(/embedding value 5 is NaN/);
  });
});

describe('predict', () => {
  it('standardises, applies the linear map and the sigmoid, and survives JSON', () => {
    const { head } = trainHead({ ...base(), epochs: 3 });
    const row = base().x.subarray(0, D);
    let z = head.bias;
    for (let j = 0; j < D; j++) z += (head.weights[j]! * (row[j]! - head.mean[j]!)) / head.std[j]!;
    expect(predict(head, row, 1)[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    const stored = JSON.parse(JSON.stringify(head)) as typeof head;
    expect(predict(stored, base().x, 400)).toEqual(predict(head, base().x, 400));
  });

  it('keeps the training mean and standard deviation with the head', () => {
    const options = base();
    const { head } = trainHead({ ...options, epochs: 1 });
    let mean = 0;
    for (let i = 0; i < options.n; i++) mean += options.x[i * D]!;
    mean /= options.n;
    let variance = 0;
    for (let i = 0; i < options.n; i++) variance += (options.x[i * D]! - mean) ** 2;
    expect(head.mean[0]).toBeCloseTo(mean, 10);
    expect(head.std[0]).toBeCloseTo(Math.sqrt(variance / options.n), 10);
  });

  it('checks the shape', () => {
    const { head } = trainHead({ ...base(), epochs: 1 });
    expect(() => predict(head, new Float32Array(D + 1), 1)).toThrow(/not 1 rows of 16/);
  });
});
