import { dihedral } from '../network/dihedral';

/**
 * Where deep retraining's rows come from: activations at the cut, one [H, W, C] map per row, read in
 * batches. Files on disk (activation-file.ts), an array in memory, or either seen through a flip or turn.
 */
export interface ActivationSource {
  readonly shape: readonly [number, number, number];
  /** Copies the maps of `rows` into `target`, one after another. */
  read(rows: readonly number[], target: Float32Array): void;
}

/** Activations held in one array, row after row. */
export function arraySource(
  values: Float32Array,
  shape: readonly [number, number, number],
): ActivationSource {
  const size = shape[0] * shape[1] * shape[2];
  if (values.length % size !== 0)
    throw new Error(`${values.length} values are not whole ${shape.join('×')} maps`);
  return {
    shape,
    read: (rows, target) =>
      rows.forEach((r, i) => target.set(values.subarray(r * size, (r + 1) * size), i * size)),
  };
}

/** The same rows, each map flipped or turned by `transform` (see dihedral.ts). */
export function transformedSource(source: ActivationSource, transform: number): ActivationSource {
  const [h, , c] = source.shape;
  const size = source.shape[0] * source.shape[1] * c;
  return {
    shape: source.shape,
    read: (rows, target) => {
      source.read(rows, target);
      const original = new Float32Array(size);
      for (let i = 0; i < rows.length; i++) {
        const map = target.subarray(i * size, (i + 1) * size);
        original.set(map);
        dihedral(original, map, h, c, transform);
      }
    },
  };
}
