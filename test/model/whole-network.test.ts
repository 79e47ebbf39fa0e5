import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone, toBatch, type Backbone } from '../../src/main/model/network/backbone';
import { activationsOf } from '../../src/main/model/network/activations';
import { topManifest } from '../../src/main/model/network/top-file';
import { arraySource } from '../../src/main/model/training/activation-source';
import {
  DEEP_RECIPE,
  deepRecipeFor,
  embedThroughTop,
  RETRAIN_EPOCHS,
  trainTop,
  WHOLE_NETWORK_CUT,
} from '../../src/main/model/training/train-top';
import { TrainableTop } from '../../src/main/model/network/trainable-top';
import { imageToInput } from '../../src/main/model/network/preprocess';
import { initBackend } from '../../src/main/model/network/tf-backend';
import { resourcePaths } from '../../src/main/resources';
import { HAM_FIXTURES } from '../helpers/temp-dirs';

/**
 * The whole network fine-tuned from the images: what a native backend (tfjs-node, tfjs-node-gpu) runs,
 * with the same code as the CPU's top. Here on wasm, on four photographs, for correctness only.
 */
const resources = resourcePaths();
const FILES = ['ISIC_0024306', 'ISIC_0024307', 'ISIC_0024308', 'ISIC_0024310'].map((name) =>
  path.join(HAM_FIXTURES, `${name}.jpg`),
);
/** ISIC_0024310 is the melanoma; one of the others stands in as a second so both classes train. */
const LABELS = [0, 1, 0, 1];

let backbone: Backbone;

function largestChange(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  a.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - b[i]!))));
  return largest;
}

beforeAll(async () => {
  await initBackend('wasm');
  backbone = await loadBackbone(resources.backboneDir);
});

describe('the whole network from the images', () => {
  it('is what a native backend retrains; a CPU retrains the shipped top', () => {
    const atClinic = { ...DEEP_RECIPE, epochs: RETRAIN_EPOCHS };
    const whole = { ...atClinic, cut: WHOLE_NETWORK_CUT, imageVariants: 0 };
    expect(deepRecipeFor('tfjs-node-gpu')).toEqual(whole);
    expect(deepRecipeFor('tfjs-node')).toEqual(whole);
    expect(deepRecipeFor('wasm')).toEqual(atClinic);
    expect(deepRecipeFor('cpu')).toEqual(atClinic);
  });

  it('computes the embedding from the image, trains every layer, and ranks as it trained', async () => {
    const split = backbone.splitAt(WHOLE_NETWORK_CUT);
    expect(split.shape).toEqual([224, 224, 3]);
    expect(split.top.ops[0]).toMatchObject({ kind: 'conv', name: 'conv', size: 3, stride: 2 });
    const source = arraySource(await activationsOf(split, FILES), split.shape);
    const rows = [0, 1, 2, 3];

    const start = new TrainableTop(split.top, split.weights);
    const startEmbeddings = embedThroughTop(start, source, rows, 2);
    start.dispose();
    const inputs = await Promise.all(FILES.map(async (f) => imageToInput(await fs.promises.readFile(f))));
    const shipped = backbone.embed(toBatch(inputs));
    expect(
      tf.max(tf.abs(tf.sub(shipped, tf.tensor2d(startEmbeddings, shipped.shape)))).dataSync()[0],
    ).toBeLessThan(1e-4);

    const result = await trainTop({
      ...DEEP_RECIPE,
      epochs: 1,
      batchSize: 2,
      learningRate: 1e-3,
      top: split.top,
      initialWeights: split.weights,
      initialHead: { weights: new Float32Array(1280), bias: 0 },
      source,
      labels: LABELS,
      train: rows,
      validation: rows,
      seed: 3,
    });
    expect(result.curve).toHaveLength(1);
    // The first convolution, which reads the image, learned too: the whole network trained.
    const before = new Map(split.weights.map((w) => [w.name, w.values]));
    for (const name of ['conv/kernel', 'expanded_conv_depthwise/kernel', 'conv_1/kernel']) {
      const after = result.weights.find((w) => w.name === name)!.values;
      expect(largestChange(after, before.get(name)!), name).toBeGreaterThan(1e-6);
    }

    // Loaded into the backbone as a model's top, it embeds the photographs as training did.
    const trained = new TrainableTop(split.top, result.weights);
    const trainedEmbeddings = embedThroughTop(trained, source, rows, 2);
    trained.dispose();
    const deployed = await loadBackbone(resources.backboneDir, {
      manifest: topManifest(WHOLE_NETWORK_CUT, result.weights),
      weights: result.weights,
    });
    const ranked = deployed.embed(toBatch(inputs));
    deployed.dispose();
    const diff = tf.max(tf.abs(tf.sub(ranked, tf.tensor2d(trainedEmbeddings, ranked.shape)))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-3);
    expect(
      Math.max(...Array.from(trainedEmbeddings, (v, i) => Math.abs(v - startEmbeddings[i]!))),
    ).toBeGreaterThan(1e-3);
  }, 120_000);
});
