/** Experiment: deep-retrain the top on cached cut activations for one CV fold; prints AUC per epoch. */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/model/tf-backend';
import { fileSystemHandler } from '../../src/main/model/fs-io-handler';
import { describeTop, topWeightsFromModel, TrainableTop } from '../../src/main/model/deep/trainable-top';
import { scoreTop, trainTop, type ActivationSource } from '../../src/main/model/deep/train-top';
import { foldStandardisation } from '../../src/main/model/head';
import { groupedKFold } from '../../src/main/model/splits';
import { rocAuc } from '../../src/main/model/metrics';
import { thresholdForSensitivity } from '../../src/main/model/threshold';
import { lesionGroup } from '../../src/main/model/validation-set';
import { readHam } from '../train-default/ham10000';
import { earlyStoppingSplit, fitHead, SEED, type Dataset } from '../train-default/fit';

async function main(): Promise<void> {
  const fold = Number(process.argv[2] ?? 0);
  const epochs = Number(process.env.EPOCHS ?? 8);
  const lr = Number(process.env.LR ?? 1e-4);
  await initBackend('wasm');
  const cut = process.env.CUT ?? 'expanded_conv_13_project';
  const images = readHam(path.resolve('..', 'shared', 'data', 'ham10000'));
  const bytes = fs.readFileSync(path.resolve('.cache', `act-${cut}-${images.length}.f32`));
  const acts = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const emb = fs.readFileSync(
    path.resolve('.cache', `mobilenet_v2-1.0-224-quant_7aad0c74c5e3-${images.length}.f32`),
  );
  const data: Dataset = {
    values: new Float32Array(emb.buffer, emb.byteOffset, emb.byteLength / 4),
    dimension: 1280,
    labels: Uint8Array.from(images, (i) => (i.melanoma ? 1 : 0)),
    groups: images.map((i) => lesionGroup(i.lesionId)),
  };
  const model = await tf.loadLayersModel(
    fileSystemHandler(path.resolve('resources/backbone/mobilenet_v2/model.json')),
  );
  const top = describeTop(model, cut, 'global_average_pool');
  const shape = (model.getLayer(cut).output as tf.SymbolicTensor).shape.slice(1) as [number, number, number];
  const mapSize = shape[0] * shape[1] * shape[2];
  const source: ActivationSource = {
    shape,
    read: (rows, target) =>
      rows.forEach((r, i) => target.set(acts.subarray(r * mapSize, (r + 1) * mapSize), i * mapSize)),
  };
  const folds = groupedKFold(
    images.map((i) => ({ group: i.lesionId, positive: i.melanoma })),
    5,
    SEED,
  );
  const { train: trainAll, validation: test } = folds[fold]!;
  const { train, validation } = earlyStoppingSplit(data, trainAll);
  const head = fitHead(data, train, validation, 0.6).head;
  const folded = foldStandardisation(head.mean, head.std, head.weights, head.bias);
  const testLabels = Uint8Array.from(test, (i) => data.labels[i]!);
  const weights0 = topWeightsFromModel(model, top);
  const evalTest = (weights: typeof weights0, h: { weights: Float32Array; bias: number }): void => {
    const t = new TrainableTop(top, weights);
    const hw = tf.tensor2d(h.weights, [1280, 1]);
    const hb = tf.scalar(h.bias);
    const s = scoreTop(t, { weights: hw, bias: hb }, source, test, 64);
    t.dispose();
    hw.dispose();
    hb.dispose();
    const o = thresholdForSensitivity(s, testLabels, { target: 0.95 });
    console.log(
      `TEST fold ${fold}: AUC ${rocAuc(s, testLabels).toFixed(4)} spec@95 ${(o.specificity * 100).toFixed(1)}%`,
    );
  };
  evalTest(weights0, { weights: Float32Array.from(folded.weights), bias: folded.bias });
  const started = Date.now();
  const result = await trainTop({
    top,
    initialWeights: weights0,
    initialHead: { weights: Float32Array.from(folded.weights), bias: folded.bias },
    source,
    labels: data.labels,
    train,
    validation,
    epochs,
    batchSize: 32,
    learningRate: lr,
    headLearningRateScale: Number(process.env.HEADSCALE ?? 1),
    patience: 3,
    augment: process.env.AUG !== '0',
    seed: SEED,
    onEpoch: (e) =>
      console.log(
        `epoch ${e.epoch}: train ${e.trainLoss.toFixed(4)} val ${e.validationLoss.toFixed(4)} AUC ${e.validationAuc.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      ),
  });
  console.log('best epoch', result.bestEpoch);
  evalTest(result.weights, result.head);
}
void main();
