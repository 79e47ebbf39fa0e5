import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from './json-file';

/**
 * A labeled set of embeddings on disk: the default model's training data, shipped so that retraining on a
 * clinic's labels adds to what the default model knew instead of forgetting it. Stored as one byte per
 * value with a per-dimension range (a twelfth of the float32 size; the error is under 0.5 % of each
 * dimension's range, far below what the head can resolve).
 */
export interface TrainingSet {
  backbone: string;
  dimension: number;
  /** n rows of dimension values, row-major. */
  values: Float32Array;
  /** 1 melanoma, 0 not. */
  labels: Uint8Array;
  /** Lesion ids, for grouped splits. */
  groups: string[];
  /** Source image names, for the model card and debugging. */
  names: string[];
}

/** index.json, read through a schema: a damaged or foreign file is refused by name, not half-used. */
const IndexSchema = z
  .object({
    format: z.literal('triage-training-set-v1'),
    backbone: z.string().min(1),
    count: z.number().int().nonnegative(),
    dimension: z.number().int().positive(),
    min: z.array(z.number()),
    scale: z.array(z.number()),
    labels: z.array(z.number().int().min(0).max(1)),
    groups: z.array(z.string()),
    names: z.array(z.string()),
  })
  .refine((i) => i.min.length === i.dimension && i.scale.length === i.dimension, {
    message: 'min and scale need one value per dimension',
  })
  .refine((i) => [i.labels, i.groups, i.names].every((rows) => rows.length === i.count), {
    message: 'labels, groups and names need one entry per row',
  });
type Index = z.infer<typeof IndexSchema>;

const INDEX = 'index.json';
const IMAGES = 'images';

/**
 * The photograph behind a training-set row, shipped beside the embeddings: deep retraining computes the
 * activations of the default model's training images itself, since the top it fine-tunes changes every
 * embedding.
 */
export function trainingImagePath(dir: string, name: string): string {
  return path.join(dir, IMAGES, `${name}.jpg`);
}

/** Copies the training set's photographs in (JPEG, as HAM10000 has them); unchanged ones are skipped. */
export function copyTrainingImages(dir: string, images: ReadonlyArray<{ name: string; file: string }>): void {
  fs.mkdirSync(path.join(dir, IMAGES), { recursive: true });
  for (const { name, file } of images) {
    if (path.extname(file).toLowerCase() !== '.jpg') throw new Error(`${file}: training images must be JPEG`);
    const target = trainingImagePath(dir, name);
    if (fs.existsSync(target) && fs.statSync(target).size === fs.statSync(file).size) continue;
    fs.copyFileSync(file, target);
  }
}
const VALUES = 'embeddings.u8';

export function writeTrainingSet(dir: string, set: TrainingSet): void {
  const n = set.labels.length;
  const d = set.dimension;
  const min = new Array<number>(d).fill(Infinity);
  const max = new Array<number>(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = set.values[i * d + j] as number;
      if (v < (min[j] as number)) min[j] = v;
      if (v > (max[j] as number)) max[j] = v;
    }
  }
  const scale = min.map((lo, j) => Math.max(((max[j] as number) - lo) / 255, 1e-12));
  const bytes = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      bytes[i * d + j] = Math.round(
        ((set.values[i * d + j] as number) - (min[j] as number)) / (scale[j] as number),
      );
    }
  }
  const index: Index = {
    format: 'triage-training-set-v1',
    backbone: set.backbone,
    count: n,
    dimension: d,
    min: min.map((v) => Math.fround(v)),
    scale: scale.map((v) => Math.fround(v)),
    labels: Array.from(set.labels),
    groups: set.groups,
    names: set.names,
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, VALUES), bytes);
  fs.writeFileSync(path.join(dir, INDEX), JSON.stringify(index));
}

export function readTrainingSet(dir: string): TrainingSet {
  const index = readJsonFile(path.join(dir, INDEX), IndexSchema, 'a training set index');
  const bytes = fs.readFileSync(path.join(dir, VALUES));
  const { count: n, dimension: d } = index;
  if (bytes.length !== n * d)
    throw new Error(`${dir}: ${VALUES} has ${bytes.length} bytes, expected ${n * d}`);
  const values = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      values[i * d + j] =
        (index.min[j] as number) + (bytes[i * d + j] as number) * (index.scale[j] as number);
    }
  }
  return {
    backbone: index.backbone,
    dimension: d,
    values,
    labels: Uint8Array.from(index.labels),
    groups: index.groups,
    names: index.names,
  };
}

/** The rows `indices` of an n × d row-major matrix, as a new matrix. */
export function selectRows(
  values: Float32Array,
  dimension: number,
  indices: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(indices.length * dimension);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    out.set(values.subarray(i * dimension, (i + 1) * dimension), k * dimension);
  }
  return out;
}
