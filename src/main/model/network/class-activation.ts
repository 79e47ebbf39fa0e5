import * as tf from '@tensorflow/tfjs';
import { toBatch, type Backbone } from './backbone';
import type { LinearHead } from './linear-head';

export type { LinearHead };

/** One value per cell of the backbone's last feature map, row-major (7 × 7 for MobileNetV2 at 224). */
export interface ActivationMap {
  rows: number;
  columns: number;
  values: Float32Array;
}

/**
 * The class-activation map of a linear head (Zhou et al. 2016): cam[h, w] = Σ_c w_c · A[h, w, c] + b.
 * The head reads the global average of A, so its logit is exactly the mean of the map, and the map is
 * what Grad-CAM computes for a linear head (the gradient of the logit by A[h, w, c] is w_c / (H · W)
 * everywhere). Each cell is thus the logit the model would give if every region looked like that one.
 */
export async function classActivationMap(
  backbone: Backbone,
  input: Float32Array,
  head: LinearHead,
): Promise<ActivationMap> {
  if (head.weights.length !== backbone.embeddingSize) {
    throw new Error(`a head of ${head.weights.length} weights for ${backbone.embeddingSize} features`);
  }
  const features = tf.tidy(() => backbone.featureMap(toBatch([input])));
  const [, rows, columns, channels] = features.shape;
  const cam = tf.tidy(() =>
    features
      .reshape([rows * columns, channels])
      .matMul(tf.tensor2d(head.weights, [channels, 1]))
      .add(head.bias),
  );
  features.dispose();
  const values = (await cam.data()) as Float32Array;
  cam.dispose();
  return { rows, columns, values };
}
