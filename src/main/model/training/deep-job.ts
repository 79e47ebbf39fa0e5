/**
 * The deep-retraining job, deep retraining as the model process runs it (names as in ../README.md; "top
 * job" is this): activations at the cut written to half-precision files, then the top fine-tuned with the
 * head on rows drawn from those files, embedded through and written as a top file. Plain data in and
 * out, so the requests cross the process boundary as they are.
 */
import fs from 'node:fs';
import type { Backbone } from '../network/backbone';
import { openActivationFile, openOrWriteActivationFile, type ActivationFile } from './activation-file';
import type { ActivationSource } from './activation-source';
import { topBytes, topManifest, TOP_FILE, type TopManifest } from '../network/top-file';
import {
  embedThroughTop,
  scoreTop,
  trainTop,
  type DeepRecipe,
  type LinearHead,
  type DeepEpoch,
} from './train-top';
import { TrainableTop } from '../network/trainable-top';
import { variantInput } from './image-variants';
import path from 'node:path';

export interface ActivationCacheRequest {
  cut: string;
  /** Image files, in row order. */
  files: string[];
  /** The half-precision file to write; one already there with the right size is kept. */
  file: string;
  /** 0 for the photographs themselves, else which augmented copy of each (image-variants.ts). */
  variant: number;
}

export interface TopTrainingRequest {
  recipe: DeepRecipe;
  /** Activation files written by an activation request at recipe.cut; rows count on across them. */
  sources: string[];
  /**
   * For each of the recipe's augmented copies, its activation files, row for row as `sources`: training
   * reads each row from the photograph or one of its copies.
   */
  variantSources: string[][];
  labels: Uint8Array;
  sampleWeights: Float32Array;
  train: number[];
  validation: number[];
  /** The parent model's head on raw pooled features: training starts where the parent is. */
  initialHead: LinearHead;
  seed: number;
  /** Rows whose embeddings through the trained top come back (what later head retrainings learn from). */
  embedRows: number[];
  /** Folder the trained top's weights are written to, as TOP_FILE. */
  topDir: string;
}

export interface TopTrainingOutcome {
  /** The fine-tuned top's manifest; its top file is in the request's topDir. */
  top: TopManifest;
  head: LinearHead;
  bestEpoch: number;
  curve: DeepEpoch[];
  /** Validation rows scored by the trained top and head, and by the parent's. */
  validationScores: Float32Array;
  parentValidationScores: Float32Array;
  embeddings: Float32Array;
}

/** The deep-retraining job's progress, in whichever of its phases it is (not only the top's training). */
export type DeepJobProgress = {
  phase: 'activations' | 'training' | 'embedding';
  done: number;
  total: number;
};

/**
 * Passes on a phase's progress only when it moves by a `steps`-th of its total (and a new phase at
 * once): a batch's worth of progress is too fine for a window or a terminal.
 */
export function inSteps(
  steps: number,
  report: (progress: DeepJobProgress) => void,
): (progress: DeepJobProgress) => void {
  let last = { phase: '', step: -1 };
  return (progress) => {
    const step = progress.total > 0 ? Math.floor((steps * progress.done) / progress.total) : 0;
    if (progress.phase === last.phase && step === last.step) return;
    last = { phase: progress.phase, step };
    report(progress);
  };
}

export async function cacheActivations(
  backbone: Backbone,
  request: ActivationCacheRequest,
  signal: AbortSignal,
  onProgress: (progress: DeepJobProgress) => void,
): Promise<void> {
  const split = backbone.splitAt(request.cut);
  const total = request.files.length;
  const file = await openOrWriteActivationFile(
    split,
    request.files,
    request.file,
    (done) => onProgress({ phase: 'activations', done, total }),
    signal,
    variantInput(request.variant),
  );
  file.close();
}

export async function trainTopJob(
  backbone: Backbone,
  request: TopTrainingRequest,
  signal: AbortSignal,
  onEpoch: (point: DeepEpoch) => void,
  onProgress: (progress: DeepJobProgress) => void,
): Promise<TopTrainingOutcome> {
  const split = backbone.splitAt(request.recipe.cut);
  const opened: ActivationFile[] = [];
  const open = (names: readonly string[]): ActivationSource =>
    concatenated(
      names.map((name) => {
        const file = openActivationFile(name, split.shape);
        opened.push(file);
        return file;
      }),
    );
  try {
    const source = open(request.sources);
    const variants = request.variantSources.map((names) => {
      if (names.length !== request.sources.length)
        throw new Error(
          `an augmented copy has ${names.length} activation files, not ${request.sources.length}`,
        );
      return open(names);
    });
    const { recipe } = request;
    const parent = new TrainableTop(split.top, split.weights);
    let parentValidationScores: Float32Array;
    try {
      parentValidationScores = scoreTop(
        parent,
        request.initialHead,
        source,
        request.validation,
        recipe.batchSize,
      );
    } finally {
      parent.dispose();
    }
    const result = await trainTop({
      ...recipe,
      top: split.top,
      initialWeights: split.weights,
      initialHead: request.initialHead,
      source,
      variants,
      labels: request.labels,
      sampleWeights: request.sampleWeights,
      train: request.train,
      validation: request.validation,
      seed: request.seed,
      signal,
      onEpoch,
      onBatch: (done, total) => onProgress({ phase: 'training', done, total }),
    });
    const trained = new TrainableTop(split.top, result.weights);
    try {
      onProgress({ phase: 'embedding', done: 0, total: request.embedRows.length });
      const embeddings = embedThroughTop(trained, source, request.embedRows, recipe.batchSize);
      fs.writeFileSync(path.join(request.topDir, TOP_FILE), topBytes(result.weights));
      return {
        top: topManifest(recipe.cut, result.weights),
        head: result.head,
        bestEpoch: result.bestEpoch,
        curve: result.curve,
        validationScores: result.validationScores,
        parentValidationScores,
        embeddings,
      };
    } finally {
      trained.dispose();
    }
  } finally {
    for (const file of opened) file.close();
  }
}

/** Several activation files read as one, their rows numbered on from one file to the next. */
function concatenated(files: readonly ActivationFile[]): ActivationSource {
  const first = files[0];
  if (!first) throw new Error('deep retraining needs at least one activation file');
  const size = first.shape[0] * first.shape[1] * first.shape[2];
  const starts = files.map((_, i) => files.slice(0, i).reduce((s, f) => s + f.rows, 0));
  return {
    shape: first.shape,
    read: (rows, target) =>
      rows.forEach((row, i) => {
        let k = files.length - 1;
        while (k > 0 && row < (starts[k] as number)) k--;
        const file = files[k] as ActivationFile;
        file.read([row - (starts[k] as number)], target.subarray(i * size, (i + 1) * size));
      }),
  };
}
