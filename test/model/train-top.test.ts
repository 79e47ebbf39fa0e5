import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { arraySource, type ActivationSource } from '../../src/main/model/training/activation-source';
import {
  asHeadParams,
  scoreTop,
  trainTop,
  type TopTrainingOptions,
} from '../../src/main/model/training/train-top';
import {
  describeTop,
  topWeightsFromModel,
  TrainableTop,
  type TopDescription,
} from '../../src/main/model/network/trainable-top';
import { predict } from '../../src/main/model/training/head';
import { rocAuc } from '../../src/main/model/training/metrics';
import { createRandom } from '../../src/main/model/training/random';
import { initBackend } from '../../src/main/model/network/tf-backend';
import { seedWeights } from '../helpers/seeded-weights';

/**
 * Fine-tuning on wasm end to end with a small top: the class is carried by one input channel that the
 * starting head cannot see (its weights are zero), so only training the top and head together finds it.
 */
const SIZE = 4;
const CHANNELS = 3;
const ROWS = 240;

function smallTop(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, CHANNELS], name: 'cut' });
  const expand = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 1,
      padding: 'same',
      activation: 'relu6',
      name: 'expand',
      seed: 1,
    } as never)
    .apply(input) as tf.SymbolicTensor;
  const depthwise = tf.layers
    .depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu6', name: 'depthwise' })
    .apply(expand) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(depthwise) as tf.SymbolicTensor;
  return seedWeights(tf.model({ inputs: input, outputs: pool }), 3, 0.3, 0.2);
}

function dataset(): { values: Float32Array; labels: Uint8Array } {
  const random = createRandom(11);
  const labels = Uint8Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const values = new Float32Array(ROWS * SIZE * SIZE * CHANNELS);
  for (let r = 0; r < ROWS; r++) {
    for (let p = 0; p < SIZE * SIZE; p++) {
      for (let c = 0; c < CHANNELS; c++) {
        const signal = c === 2 && labels[r] === 1 ? 1.5 : 0;
        values[(r * SIZE * SIZE + p) * CHANNELS + c] = random.normal() * 0.5 + signal;
      }
    }
  }
  return { values, labels };
}

describe('fine-tuning the top with the head', () => {
  const { values, labels } = dataset();
  const source = arraySource(values, [SIZE, SIZE, CHANNELS]);
  const train = Array.from({ length: 180 }, (_, i) => i);
  const validation = Array.from({ length: 60 }, (_, i) => 180 + i);
  let top: TopDescription;
  let options: TopTrainingOptions;

  beforeAll(async () => {
    await initBackend('wasm');
    const model = smallTop();
    top = describeTop(model, 'cut', 'pool');
    options = {
      top,
      initialWeights: topWeightsFromModel(model, top),
      initialHead: { weights: new Float32Array(8), bias: 0 },
      source,
      labels,
      train,
      validation,
      epochs: 12,
      batchSize: 16,
      learningRate: 0.02,
      headLearningRateScale: 1,
      patience: 12,
      augment: true,
      seed: 5,
    };
  });

  it('learns what the starting model could not, keeps the best epoch, and is repeatable', async () => {
    const tensors = tf.memory().numTensors;
    const epochs: number[] = [];
    const result = await trainTop({ ...options, onEpoch: (e) => epochs.push(e.validationAuc) });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(epochs.length).toBe(12);
    expect(epochs[0]).toBeGreaterThan(0.5);
    expect(result.curve[result.bestEpoch - 1]?.validationAuc).toBe(Math.max(...epochs));
    expect(Math.max(...epochs)).toBeGreaterThan(0.95);

    // The returned weights and head score the validation rows as training measured them.
    const trained = new TrainableTop(top, result.weights);
    const scores = scoreTop(trained, result.head, source, validation, 16);
    trained.dispose();
    const validationLabels = Uint8Array.from(validation, (r) => labels[r]!);
    expect(rocAuc(scores, validationLabels)).toBeCloseTo(Math.max(...epochs), 6);
    // And the registry's head format gives the same probabilities from the embeddings.
    const embedded = new TrainableTop(top, result.weights);
    const x = tf.tidy(() =>
      embedded.forward(tf.tensor4d(values.slice(180 * 48), [60, SIZE, SIZE, CHANNELS])),
    );
    const viaRegistry = predict(asHeadParams(result.head), x.dataSync() as Float32Array, 60);
    x.dispose();
    embedded.dispose();
    viaRegistry.forEach((p, i) => expect(p).toBeCloseTo(scores[i]!, 5));

    const again = await trainTop(options);
    expect(again.curve).toEqual(result.curve);
  }, 120_000);

  it('stops when cancelled and releases its tensors', async () => {
    const tensors = tf.memory().numTensors;
    const controller = new AbortController();
    const run = trainTop({ ...options, signal: controller.signal, onBatch: () => controller.abort() });
    await expect(run).rejects.toThrow(/aborted/);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('draws training rows from the augmented copies too, and validates on the photographs alone', async () => {
    const recording = (): { source: ActivationSource; rows: number[] } => {
      const rows: number[] = [];
      return {
        rows,
        source: {
          shape: source.shape,
          read: (wanted, target) => {
            rows.push(...wanted);
            source.read(wanted, target);
          },
        },
      };
    };
    const [plain, first, second] = [recording(), recording(), recording()];
    await trainTop({ ...options, epochs: 2, source: plain.source, variants: [first.source, second.source] });
    const isTraining = (r: number): boolean => r < 180;
    for (const copy of [first, second]) {
      expect(copy.rows.length).toBeGreaterThan(60);
      expect(copy.rows.every(isTraining)).toBe(true);
    }
    const plainTraining = plain.rows.filter(isTraining).length;
    // Two epochs read each training row twice, from one of three sources each time.
    expect(plainTraining + first.rows.length + second.rows.length).toBe(2 * 180);
    expect(plainTraining).toBeGreaterThan(60);
    // Each epoch scores every validation row once, from the photographs' activations.
    expect(plain.rows.filter((r) => !isTraining(r)).length).toBe(2 * 60);
  }, 60_000);

  it('refuses training data with one class only', async () => {
    await expect(trainTop({ ...options, labels: new Uint8Array(ROWS) })).rejects.toThrow(
      /melanomas and non-melanomas/,
    );
  });
});
