import * as tf from '@tensorflow/tfjs';
import { logLoss, rocAuc } from './metrics';
import { createRandom, permutation } from './random';
import { TrainingAbortedError, type HeadParams } from './head';
import type { LinearHead } from '../network/linear-head';
import { BACKEND_CANDIDATES } from '../network/tf-backend';
import type { ActivationSource } from './activation-source';
import { DIHEDRAL_COUNT, dihedral } from '../network/dihedral';
import { TrainableTop, variableOf, type TopDescription, type TopWeight } from '../network/trainable-top';

/**
 * Fine-tunes the top of the backbone together with a logistic head, on activations cached at the cut:
 * the frozen part never runs again, so an epoch costs only the top's forward and backward passes.
 *
 * "Top" names several things in src/main/model, each given one name in ../README.md. Here it is the
 * top itself: the layers after the cut up to the global-average pool, described by a TopDescription
 * (`top`), weighted by TopWeights and trained as a TrainableTop. A DeepEpoch is a deep-retraining epoch,
 * one point of its learning curve.
 */

export type { LinearHead };

/** A deep-retraining epoch: one point of the learning curve of the top and the head trained together. */
export interface DeepEpoch {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAuc: number;
}

export interface TopTrainingOptions extends Omit<DeepRecipe, 'cut' | 'imageVariants'> {
  /** The layers to train: the top after the recipe's cut. */
  top: TopDescription;
  /** The top's weights to start from: the shipped top's, or the active model's fine-tuned top's. */
  initialWeights: readonly TopWeight[];
  initialHead: LinearHead;
  source: ActivationSource;
  /**
   * Activations of augmented copies of the same rows (image-variants.ts): each training row is read from
   * `source` or one of these, drawn at random per epoch. Validation always reads `source`.
   */
  variants?: readonly ActivationSource[];
  labels: ArrayLike<number>;
  /** Per-row weight in the loss (local labels count more); a class-balance factor multiplies it. */
  sampleWeights?: ArrayLike<number>;
  train: readonly number[];
  validation: readonly number[];
  seed: number;
  signal?: AbortSignal;
  onEpoch?: (epoch: DeepEpoch) => void;
  onBatch?: (done: number, total: number) => void;
}

export interface TopTrainingResult {
  /** The fine-tuned top's weights at the best epoch. */
  weights: TopWeight[];
  head: LinearHead;
  bestEpoch: number;
  curve: DeepEpoch[];
  /** The validation rows' probabilities at the best epoch, as early stopping scored them. */
  validationScores: Float32Array;
}

/**
 * The shipped recipe: from block 11 on (the last two 14×14 blocks, the 7×7 stage and the 1280-channel
 * convolution) the backbone is fine-tuned with the head, on activations of block 10's output cached once
 * per image and per augmented copy. Chosen by 5-fold lesion-grouped cross-validation on HAM10000
 * (docs/model-card.md): from the 7×7 stage the copies did not help; from the 14×14 stage without them,
 * the deeper cut did not either.
 */
export interface DeepRecipe {
  /** The layer whose output is cached; everything after it is trained. */
  cut: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The head starts trained and needs smaller steps than its features do not; a multiple of learningRate. */
  headLearningRateScale: number;
  /** Epochs without a better validation AUC before stopping. */
  patience: number;
  /** The eight flips and quarter-turns of the activation maps, drawn at random per row. */
  augment: boolean;
  /**
   * Augmented copies of each image (a small crop and colour change, image-variants.ts) whose activations
   * are cached beside the photograph's; each epoch reads every training row from one of them at random.
   */
  imageVariants: number;
}

export const DEEP_RECIPE: Readonly<DeepRecipe> = {
  cut: 'expanded_conv_10_project',
  epochs: 5,
  batchSize: 32,
  learningRate: 1e-4,
  headLearningRateScale: 1,
  patience: 2,
  augment: true,
  imageVariants: 3,
};

/** The converted backbone's input layer: a top cut there is the whole network, trained from the images. */
export const WHOLE_NETWORK_CUT = 'input';

/**
 * Epochs of a deep retraining at a clinic. It starts from the active model, whose top the shipped recipe
 * has already fine-tuned on the shipped images, so it adapts rather than learns afresh; two epochs over
 * those images and the clinic's keep a first run on 10,000 labeled images within 45 minutes on two cores.
 */
export const RETRAIN_EPOCHS = 2;

/**
 * The recipe a deep retraining uses on a backend: the whole network where a native TensorFlow runs it
 * (tfjs-node, tfjs-node-gpu), else the shipped recipe's top, whose activations a CPU can cache and train.
 * The whole network's "activations" are the preprocessed images, 3 GB for the shipped ones in half
 * precision: it keeps the flips and turns but caches no augmented copies, which would take 3 GB each.
 */
export function deepRecipeFor(backend: string): DeepRecipe {
  const native = BACKEND_CANDIDATES.some((c) => c.name === backend && c.tfName === 'tensorflow');
  const recipe = { ...DEEP_RECIPE, epochs: RETRAIN_EPOCHS };
  return native ? { ...recipe, cut: WHOLE_NETWORK_CUT, imageVariants: 0 } : recipe;
}

export async function trainTop(o: TopTrainingOptions): Promise<TopTrainingResult> {
  const [h, w, c] = o.source.shape;
  if (o.augment && h !== w) throw new Error('dihedral augmentation needs square activation maps');
  const mapSize = h * w * c;
  const trainable = new TrainableTop(o.top, o.initialWeights);
  const headW = variableOf(tf.tensor2d(o.initialHead.weights, [o.initialHead.weights.length, 1]));
  const headB = variableOf(tf.scalar(o.initialHead.bias));
  const topOptimizer = tf.train.adam(o.learningRate);
  const headOptimizer = tf.train.adam(o.learningRate * o.headLearningRateScale);
  const rowWeights = balancedWeights(o.labels, o.sampleWeights, o.train);
  const random = createRandom(o.seed);
  const batchData = new Float32Array(o.batchSize * mapSize);
  const rawMap = new Float32Array(mapSize);
  const curve: DeepEpoch[] = [];
  const sources = [o.source, ...(o.variants ?? [])];
  let best:
    { auc: number; epoch: number; weights: TopWeight[]; head: LinearHead; scores: Float32Array } | undefined;

  const logits = (x: tf.Tensor4D): tf.Tensor1D =>
    tf.reshape(tf.add(tf.matMul(trainable.forward(x), headW), headB), [-1]);

  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = permutation(o.train.length, random);
      let lossSum = 0;
      let weightSum = 0;
      for (let start = 0; start < order.length; start += o.batchSize) {
        if (o.signal?.aborted) throw new TrainingAbortedError(epoch, o.signal.reason);
        const rows = Array.from(order.subarray(start, start + o.batchSize), (k) => o.train[k] as number);
        const n = rows.length;
        if (sources.length > 1) {
          rows.forEach((r, i) =>
            sources[random.int(sources.length)]!.read(
              [r],
              batchData.subarray(i * mapSize, (i + 1) * mapSize),
            ),
          );
        } else {
          o.source.read(rows, batchData);
        }
        if (o.augment) {
          for (let i = 0; i < n; i++) {
            const map = batchData.subarray(i * mapSize, (i + 1) * mapSize);
            rawMap.set(map);
            dihedral(rawMap, map, h, c, Math.floor(random.next() * DIHEDRAL_COUNT));
          }
        }
        const y = Float32Array.from(rows, (r) => o.labels[r] as number);
        const weights = Float32Array.from(rows, (r) => rowWeights.get(r) as number);
        const batchWeight = weights.reduce((s, v) => s + v, 0);
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(batchData.subarray(0, n * mapSize), [n, h, w, c]);
          const labels = tf.tensor1d(y);
          const sampleWeights = tf.tensor1d(weights);
          // Gradients once, applied by two optimisers: the head and the top take different step sizes.
          const { value, grads } = tf.variableGrads(() =>
            tf.losses.sigmoidCrossEntropy(labels, logits(x), sampleWeights, undefined, tf.Reduction.SUM),
          );
          const headGrads = { [headW.name]: grads[headW.name]!, [headB.name]: grads[headB.name]! };
          const topGrads = Object.fromEntries(
            Object.entries(grads).filter(([name]) => name !== headW.name && name !== headB.name),
          );
          const scale = 1 / batchWeight;
          topOptimizer.applyGradients(scaled(topGrads, scale));
          headOptimizer.applyGradients(scaled(headGrads, scale));
          return value;
        });
        lossSum += (await loss.data())[0] as number;
        loss.dispose();
        weightSum += batchWeight;
        o.onBatch?.(Math.min(start + o.batchSize, order.length), order.length);
        // Let the cancel message and progress through between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const validation = scoreTop(trainable, readHead(headW, headB), o.source, o.validation, o.batchSize);
      const validationLabels = Float32Array.from(o.validation, (r) => o.labels[r] as number);
      const point: DeepEpoch = {
        epoch,
        trainLoss: lossSum / weightSum,
        validationLoss: logLoss(validation, validationLabels),
        validationAuc: rocAuc(validation, validationLabels),
      };
      curve.push(point);
      o.onEpoch?.(point);
      if (!best || point.validationAuc > best.auc) {
        best = {
          auc: point.validationAuc,
          epoch,
          weights: trainable.weights(),
          head: readHead(headW, headB),
          scores: validation,
        };
      } else if (epoch - best.epoch >= o.patience) {
        break;
      }
    }
  } finally {
    trainable.dispose();
    headW.dispose();
    headB.dispose();
    topOptimizer.dispose();
    headOptimizer.dispose();
  }
  if (!best) throw new Error('deep retraining ran no epoch');
  return {
    weights: best.weights,
    head: best.head,
    bestEpoch: best.epoch,
    curve,
    validationScores: best.scores,
  };
}

/** The pooled embeddings of `rows` through a top, row after row. */
export function embedThroughTop(
  top: TrainableTop,
  source: ActivationSource,
  rows: readonly number[],
  batchSize: number,
): Float32Array {
  const [h, w, c] = source.shape;
  const mapSize = h * w * c;
  const data = new Float32Array(batchSize * mapSize);
  let out: Float32Array | undefined;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    source.read(batch, data);
    const embedded = tf.tidy(() =>
      top.forward(tf.tensor4d(data.subarray(0, batch.length * mapSize), [batch.length, h, w, c])),
    );
    const values = embedded.dataSync() as Float32Array;
    const dimension = embedded.shape[1];
    embedded.dispose();
    out ??= new Float32Array(rows.length * dimension);
    out.set(values, start * dimension);
  }
  return out ?? new Float32Array(0);
}

/** Melanoma probabilities of `rows` through a top and a linear head. */
export function scoreTop(
  top: TrainableTop,
  head: LinearHead,
  source: ActivationSource,
  rows: readonly number[],
  batchSize: number,
): Float32Array {
  const embeddings = embedThroughTop(top, source, rows, batchSize);
  const d = head.weights.length;
  return Float32Array.from(rows, (_, i) => {
    let z = head.bias;
    for (let j = 0; j < d; j++) z += (head.weights[j] as number) * (embeddings[i * d + j] as number);
    return 1 / (1 + Math.exp(-z));
  });
}

function scaled(grads: tf.NamedTensorMap, scale: number): Array<{ name: string; tensor: tf.Tensor }> {
  return Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) }));
}

function readHead(weights: tf.Variable, bias: tf.Variable): LinearHead {
  return { weights: Float32Array.from(weights.dataSync()), bias: bias.dataSync()[0] as number };
}

/**
 * Each row's loss weight: its sample weight, times a class factor that gives melanomas and the rest
 * equal total weight, so a rare positive class is not drowned out.
 */
function balancedWeights(
  labels: ArrayLike<number>,
  sampleWeights: ArrayLike<number> | undefined,
  rows: readonly number[],
): Map<number, number> {
  const totals = [0, 0];
  for (const r of rows) totals[labels[r] === 1 ? 1 : 0]! += sampleWeights?.[r] ?? 1;
  const [negatives, positives] = totals as [number, number];
  if (negatives === 0 || positives === 0)
    throw new Error('deep retraining needs melanomas and non-melanomas');
  const all = negatives + positives;
  return new Map(
    rows.map((r) => {
      const positive = labels[r] === 1;
      const factor = all / (2 * (positive ? positives : negatives));
      return [r, (sampleWeights?.[r] ?? 1) * factor];
    }),
  );
}

/** A linear head on raw pooled features in the registry's head format (no standardisation). */
export function asHeadParams(head: LinearHead): HeadParams {
  const dimension = head.weights.length;
  return {
    format: 'logistic-head-v1',
    dimension,
    mean: new Array<number>(dimension).fill(0),
    std: new Array<number>(dimension).fill(1),
    weights: Array.from(head.weights),
    bias: head.bias,
  };
}
