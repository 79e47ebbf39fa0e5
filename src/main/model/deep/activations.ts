import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { toBatch, type BackboneSplit } from '../backbone';
import { imageToInput } from '../preprocess';

const BATCH = 16;

/**
 * The activations at the cut for image files, one map after another in file order. The next batch is
 * decoded (on libuv's threads) while the current one runs through the frozen part of the network.
 */
export async function activationsOf(
  split: BackboneSplit,
  files: readonly string[],
  onBatch?: (done: number) => void,
): Promise<Float32Array> {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const values = new Float32Array(files.length * size);
  const decode = (batch: readonly string[]): Promise<Float32Array[]> =>
    Promise.all(batch.map(async (file) => imageToInput(await fs.promises.readFile(file))));
  let next = decode(files.slice(0, BATCH));
  for (let start = 0; start < files.length; start += BATCH) {
    const inputs = await next;
    next = decode(files.slice(start + BATCH, start + 2 * BATCH));
    const activations = tf.tidy(() => split.activations(toBatch(inputs)));
    values.set(activations.dataSync(), start * size);
    activations.dispose();
    onBatch?.(Math.min(start + BATCH, files.length));
  }
  return values;
}
