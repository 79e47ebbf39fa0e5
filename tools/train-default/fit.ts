import { HEAD_DEFAULTS, predict, trainHead, type TrainResult } from '../../src/main/model/training/head';
import { groupedSplit } from '../../src/main/model/training/splits';
import { selectRows } from '../../src/main/model/artifacts/training-set';

export interface Dataset {
  values: Float32Array;
  dimension: number;
  labels: Uint8Array;
  groups: string[];
}

export const SEED = 20260301;
/** Share of the training images (by lesion) held back to stop training early and set the threshold. */
export const EARLY_STOPPING_FRACTION = 0.15;

/** Trains a head on the rows `train`, stopping early on the rows `validation`. */
export function fitHead(data: Dataset, train: number[], validation: number[], l2: number): TrainResult {
  return trainHead({
    x: selectRows(data.values, data.dimension, train),
    n: train.length,
    d: data.dimension,
    y: Uint8Array.from(train, (i) => data.labels[i] as number),
    validation: {
      x: selectRows(data.values, data.dimension, validation),
      n: validation.length,
      y: Uint8Array.from(validation, (i) => data.labels[i] as number),
    },
    ...HEAD_DEFAULTS,
    l2,
    epochs: 200,
    seed: SEED,
  });
}

/** A lesion-grouped part of `indices` to stop training early on, for cross-validation folds. */
export function earlyStoppingSplit(
  data: Dataset,
  indices: number[],
): { train: number[]; validation: number[] } {
  const items = indices.map((i) => ({ group: data.groups[i] as string, positive: data.labels[i] === 1 }));
  const split = groupedSplit(items, EARLY_STOPPING_FRACTION, SEED);
  return {
    train: split.train.map((k) => indices[k] as number),
    validation: split.validation.map((k) => indices[k] as number),
  };
}

export function scoreRows(data: Dataset, head: TrainResult['head'], indices: number[]): Float32Array {
  return predict(head, selectRows(data.values, data.dimension, indices), indices.length);
}
