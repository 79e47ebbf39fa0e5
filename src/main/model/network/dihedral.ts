import * as tf from '@tensorflow/tfjs';

/**
 * The eight flips and quarter-turns of a square H×W×C map. A skin lesion has no up or left, so each is
 * as plausible a photograph as the original; applied to cached activations they augment training for
 * free, without decoding or running the frozen part of the backbone again.
 */
export const DIHEDRAL_COUNT = 8;

/** Writes `transform` (0 = identity … 7) of `source` (one map, row-major HWC) into `target`. */
export function dihedral(
  source: Float32Array,
  target: Float32Array,
  size: number,
  channels: number,
  transform: number,
): void {
  if (transform === 0) {
    target.set(source);
    return;
  }
  const last = size - 1;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let sr = r;
      let sc = c;
      if (transform & 4) [sr, sc] = [sc, sr];
      if (transform & 2) sr = last - sr;
      if (transform & 1) sc = last - sc;
      const from = (sr * size + sc) * channels;
      target.set(source.subarray(from, from + channels), (r * size + c) * channels);
    }
  }
}

/** `transform` of every map in a batch [N, H, W, C] (H = W): the same mapping as dihedral(), on tensors. */
export function dihedralTensor(batch: tf.Tensor4D, transform: number): tf.Tensor4D {
  return tf.tidy(() => {
    const axes = [...(transform & 2 ? [1] : []), ...(transform & 1 ? [2] : [])];
    const flipped = axes.length > 0 ? tf.reverse(batch, axes) : batch;
    return transform & 4 ? tf.transpose(flipped, [0, 2, 1, 3]) : flipped;
  });
}

/**
 * The transform that undoes `transform`. Flips and the transpose are their own inverses, and so are
 * their products but two: transpose-after-flipping-rows is undone by transpose-after-flipping-columns.
 */
export function inverseDihedral(transform: number): number {
  return transform === 5 ? 6 : transform === 6 ? 5 : transform;
}
