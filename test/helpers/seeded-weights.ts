import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../../src/main/model/training/random';

/** Replaces every weight of `model` with seeded normal values, scale × N(0, 1) + offset: the same run to run. */
export function seedWeights(model: tf.LayersModel, seed: number, scale: number, offset = 0): tf.LayersModel {
  const random = createRandom(seed);
  const values = model.getWeights().map((w) =>
    tf.tensor(
      Float32Array.from({ length: w.size }, () => random.normal() * scale + offset),
      w.shape,
    ),
  );
  model.setWeights(values);
  values.forEach((t) => t.dispose());
  return model;
}
