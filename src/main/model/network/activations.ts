import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { toBatch, type BackboneSplit } from './backbone';
import { imageToInput } from './preprocess';

const BATCH = 16;

/** A photograph's bytes to the backbone's input: imageToInput, or an augmented copy's (image-variants.ts). */
export type InputOf = (bytes: Buffer, file: string) => Promise<Float32Array>;

/**
 * Runs image files through the frozen part of the network, handing on the activations at the cut a
 * batch at a time, in file order: `each(maps, start)` gets the maps of files `start`, `start + 1`, ….
 * The next batch is decoded (on libuv's threads) while the current one runs.
 */
export async function forEachActivationBatch(
  split: BackboneSplit,
  files: readonly string[],
  each: (maps: Float32Array, start: number) => void | Promise<void>,
  signal?: AbortSignal,
  toInput: InputOf = imageToInput,
): Promise<void> {
  const decode = (batch: readonly string[]): Promise<Float32Array[]> =>
    Promise.all(
      batch.map(async (file) => {
        try {
          return await toInput(await fs.promises.readFile(file), file);
        } catch (error) {
          throw new Error(`${file}: ${(error as Error).message}`);
        }
      }),
    );
  let next = decode(files.slice(0, BATCH));
  for (let start = 0; start < files.length; start += BATCH) {
    const inputs = await next;
    if (signal?.aborted) throw new Error('cancelled');
    next = decode(files.slice(start + BATCH, start + 2 * BATCH));
    const activations = tf.tidy(() => split.activations(toBatch(inputs)));
    const maps = activations.dataSync() as Float32Array;
    activations.dispose();
    await each(maps, start);
  }
}

/** The activations at the cut for image files, one map after another in file order, in memory. */
export async function activationsOf(
  split: BackboneSplit,
  files: readonly string[],
  onBatch?: (done: number) => void,
  toInput?: InputOf,
): Promise<Float32Array> {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const values = new Float32Array(files.length * size);
  await forEachActivationBatch(
    split,
    files,
    (maps, start) => {
      values.set(maps, start * size);
      onBatch?.(start + maps.length / size);
    },
    undefined,
    toInput,
  );
  return values;
}
