import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  DIHEDRAL_COUNT,
  dihedral,
  dihedralTensor,
  inverseDihedral,
} from '../../src/main/model/network/dihedral';

/** The heatmap of a model that averages flips and turns turns each map back with these inverses. */
describe('inverseDihedral', () => {
  const size = 3;
  const channels = 2;
  const map = Float32Array.from({ length: size * size * channels }, (_, i) => i);
  const apply = (source: Float32Array, t: number): Float32Array => {
    const out = new Float32Array(source.length);
    dihedral(source, out, size, channels, t);
    return out;
  };

  it('undoes every flip and turn, on arrays and on tensors', () => {
    for (let t = 0; t < DIHEDRAL_COUNT; t++) {
      expect(apply(apply(map, t), inverseDihedral(t))).toEqual(map);
      const batch = tf.tensor4d(map, [1, size, size, channels]);
      const back = dihedralTensor(dihedralTensor(batch, t), inverseDihedral(t));
      expect(back.dataSync()).toEqual(map);
      tf.dispose([batch, back]);
    }
  });

  it('is not simply the transform again: the two quarter-turns undo each other', () => {
    expect(apply(apply(map, 5), 5)).not.toEqual(map);
    expect(apply(apply(map, 6), 6)).not.toEqual(map);
    expect(apply(apply(map, 5), 6)).toEqual(map);
  });
});
