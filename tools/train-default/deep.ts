import path from 'node:path';
import type { Backbone, BackboneSplit } from '../../src/main/model/network/backbone';
import {
  openOrWriteActivationFile,
  type ActivationFile,
} from '../../src/main/model/training/activation-file';
import { foldStandardisation } from '../../src/main/model/training/head';
import {
  embedThroughTop,
  type DeepRecipe,
  trainTop,
  type TopTrainingResult,
} from '../../src/main/model/training/train-top';
import { TrainableTop, type TopWeight } from '../../src/main/model/network/trainable-top';
import { transformedSource, type ActivationSource } from '../../src/main/model/training/activation-source';
import { variantInput, variantSuffix } from '../../src/main/model/training/image-variants';
import { fitHead, SEED, type Dataset } from './fit';

/** Where cutActivations keeps them: a half-precision activation file (activation-file.ts), as the app's. */
export const activationCacheFile = (
  backbone: Backbone,
  split: BackboneSplit,
  count: number,
  cacheDir: string,
  variant: number,
): string =>
  path.join(
    cacheDir,
    `${backbone.version}-${split.top.cut}-${count}${variantSuffix(variant)}.f16`.replace(/[^\w.-]/g, '_'),
  );

/**
 * Activations at the cut for every file, in file order, of the photographs themselves (variant 0) or of
 * their augmented copies (image-variants.ts): computed once into .cache/, in the app's half-precision
 * format, then read from there a batch at a time. Open for the rest of the run.
 */
export async function cutActivations(
  backbone: Backbone,
  split: BackboneSplit,
  files: string[],
  cacheDir: string,
  variant = 0,
): Promise<ActivationFile> {
  const started = Date.now();
  return openOrWriteActivationFile(
    split,
    files,
    activationCacheFile(backbone, split, files.length, cacheDir, variant),
    (done) => {
      if (done % 1600 === 0 || done === files.length) {
        const rate = done / ((Date.now() - started) / 1000);
        process.stderr.write(
          `activations${variantSuffix(variant)}: ${done}/${files.length} (${rate.toFixed(1)} images/s)\n`,
        );
      }
    },
    undefined,
    variantInput(variant),
  );
}

/**
 * Fine-tunes the top and a head on `train`, stopping early on `validation`. The head starts as the
 * logistic head of the frozen backbone's embeddings on the same rows, so training begins where the
 * head-only model ends.
 */
export async function fitDeep(
  split: BackboneSplit,
  source: ActivationSource,
  data: Dataset,
  train: number[],
  validation: number[],
  l2: number,
  label: string,
  recipe: Readonly<DeepRecipe>,
  variants?: readonly ActivationSource[],
): Promise<TopTrainingResult> {
  const start = fitHead(data, train, validation, l2).head;
  const folded = foldStandardisation(start.mean, start.std, start.weights, start.bias);
  const started = Date.now();
  return trainTop({
    ...recipe,
    top: split.top,
    initialWeights: split.weights,
    initialHead: { weights: Float32Array.from(folded.weights), bias: folded.bias },
    source,
    variants,
    labels: data.labels,
    train,
    validation,
    seed: SEED,
    onEpoch: (e) =>
      process.stderr.write(
        `${label} epoch ${e.epoch}: training loss ${e.trainLoss.toFixed(4)}, validation loss ` +
          `${e.validationLoss.toFixed(4)}, AUC ${e.validationAuc.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      ),
  });
}

/** Pooled embeddings of `rows` through a fine-tuned top. */
export function embedDeep(
  split: BackboneSplit,
  weights: readonly TopWeight[],
  source: ActivationSource,
  rows: readonly number[],
): Float32Array {
  const trainable = new TrainableTop(split.top, weights);
  try {
    return embedThroughTop(trainable, source, rows, 64);
  } finally {
    trainable.dispose();
  }
}

/**
 * Embeddings of `rows` averaged over the flips and turns `transforms` of each activation map: test-time
 * augmentation whose result is still one embedding per image.
 */
export function embedAveraged(
  split: BackboneSplit,
  weights: readonly TopWeight[],
  source: ActivationSource,
  rows: readonly number[],
  transforms: readonly number[],
): Float32Array {
  let sum: Float32Array | undefined;
  for (const t of transforms) {
    const values = embedDeep(split, weights, t === 0 ? source : transformedSource(source, t), rows);
    if (!sum) sum = values;
    else values.forEach((v, i) => (sum![i]! += v));
  }
  if (!sum) throw new Error('no transforms to average over');
  return sum.map((v) => v / transforms.length);
}
