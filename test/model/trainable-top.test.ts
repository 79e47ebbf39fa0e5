import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIHEDRAL_COUNT, dihedral } from '../../src/main/model/network/dihedral';
import { describeTop, topWeightsFromModel, TrainableTop } from '../../src/main/model/network/trainable-top';
import { createRandom } from '../../src/main/model/training/random';
import { initBackend } from '../../src/main/model/network/tf-backend';
import { seedWeights } from '../helpers/seeded-weights';

/**
 * The trainable top is differentiated on wasm with hand-written gradients (wasm has no depthwise or
 * filter-gradient kernels); the reference is the same network as ordinary tfjs layers, differentiated
 * by tfjs itself on the pure-JS cpu backend, which has every gradient kernel.
 */

const SIZE = 5;
const CHANNELS = 4;

/**
 * A small inverted-residual block with MobileNetV2's shapes of operation, then a 1×1 conv and the pool.
 * With stride 2 it is the block that steps down a resolution, which has no residual connection; an input
 * of even size gets TensorFlow's uneven 'same' padding (none before, one after).
 */
function tinyNetwork({ size = SIZE, stride = 1 }: { size?: number; stride?: 1 | 2 } = {}): tf.LayersModel {
  const input = tf.input({ shape: [size, size, CHANNELS], name: 'cut' });
  const expand = tf.layers
    .conv2d({ filters: 12, kernelSize: 1, padding: 'same', activation: 'relu6', name: 'expand' })
    .apply(input) as tf.SymbolicTensor;
  const depthwise = tf.layers
    .depthwiseConv2d({
      kernelSize: 3,
      strides: stride,
      padding: 'same',
      activation: 'relu6',
      name: 'depthwise',
    })
    .apply(expand) as tf.SymbolicTensor;
  const project = tf.layers
    .conv2d({ filters: CHANNELS, kernelSize: 1, padding: 'same', name: 'project' })
    .apply(depthwise) as tf.SymbolicTensor;
  const block =
    stride === 1 ? (tf.layers.add({ name: 'add' }).apply([project, input]) as tf.SymbolicTensor) : project;
  const last = tf.layers
    .conv2d({ filters: 6, kernelSize: 1, padding: 'same', activation: 'relu6', name: 'last' })
    .apply(block) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(last) as tf.SymbolicTensor;
  // Seeded weights, scaled so that some relu6 units clip at 0 and some at 6: both edges are exercised.
  return seedWeights(tf.model({ inputs: input, outputs: pool }), 7, 1.5);
}

function inputs(n: number, seed: number, size = SIZE): tf.Tensor4D {
  const random = createRandom(seed);
  const values = Float32Array.from({ length: n * size * size * CHANNELS }, () => random.normal() * 2);
  return tf.tensor4d(values, [n, size, size, CHANNELS]);
}

/** A loss that weighs every output differently, so a gradient routed to the wrong unit shows. */
function lossOf(output: tf.Tensor): tf.Scalar {
  const weights = tf.range(1, output.size + 1).reshape(output.shape);
  return tf.sum(tf.mul(output, tf.sin(weights)));
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('trainable top', () => {
  it('computes the network the layers describe, and refuses what it cannot train', () => {
    const model = tinyNetwork();
    const top = describeTop(model, 'cut', 'pool');
    expect(top.ops.map((op) => op.kind)).toEqual([
      'pointwise',
      'depthwise',
      'pointwise',
      'add',
      'pointwise',
      'pool',
    ]);
    const trainable = new TrainableTop(top, topWeightsFromModel(model, top));
    const x = inputs(3, 1);
    const want = model.predict(x) as tf.Tensor;
    const got = trainable.forward(x);
    expect(tf.max(tf.abs(tf.sub(want, got))).dataSync()[0]).toBeLessThan(1e-4);
    trainable.dispose();

    const down = tinyNetwork({ size: 6, stride: 2 });
    const downTop = describeTop(down, 'cut', 'pool');
    expect(downTop.ops.find((op) => op.kind === 'depthwise')).toMatchObject({ stride: 2 });
    const stepping = new TrainableTop(downTop, topWeightsFromModel(down, downTop));
    const x6 = inputs(2, 3, 6);
    const diff = tf.max(tf.abs(tf.sub(down.predict(x6) as tf.Tensor, stepping.forward(x6))));
    expect(diff.dataSync()[0]).toBeLessThan(1e-4);
    stepping.dispose();

    // A full convolution trains only where it reads the cut (nothing trainable before it).
    const cut = tf.input({ shape: [4, 4, 2], name: 'cut' });
    const first = tf.layers
      .conv2d({ filters: 2, kernelSize: 1, name: 'first' })
      .apply(cut) as tf.SymbolicTensor;
    const strided = tf.layers
      .conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 's' })
      .apply(first) as tf.SymbolicTensor;
    const inner = tf.model({ inputs: cut, outputs: strided });
    expect(() => describeTop(inner, 'cut', 's')).toThrow(
      /s is a full convolution that does not read the cut/,
    );
  });

  /** The loss and its gradients through TrainableTop on `backend`, by weight name and for the input. */
  async function topGradients(
    backend: string,
    model: tf.LayersModel,
    x: tf.Tensor4D,
  ): Promise<{ loss: number; byName: Map<string, Float32Array>; input: Float32Array }> {
    await tf.setBackend(backend);
    const top = describeTop(model, 'cut', 'pool');
    const trainable = new TrainableTop(top, topWeightsFromModel(model, top));
    const xVariable = tf.variable(tf.tensor(x.dataSync(), x.shape));
    try {
      const { value, grads } = tf.variableGrads(
        () => lossOf(trainable.forward(xVariable as tf.Tensor4D)),
        [...trainable.variables.values(), xVariable],
      );
      return {
        loss: value.dataSync()[0]!,
        byName: new Map(
          [...trainable.variables].map(([name, v]) => [name, grads[v.name]!.dataSync() as Float32Array]),
        ),
        input: grads[xVariable.name]!.dataSync() as Float32Array,
      };
    } finally {
      trainable.dispose();
      xVariable.dispose();
    }
  }

  // wasm runs our hand-written gradients; cpu (like tfjs-node) has the depthwise gradient kernels and
  // takes the other branch. Both must match tfjs differentiating the layers model on cpu.
  it.each([
    ['wasm', SIZE, 1],
    ['cpu', SIZE, 1],
    ['wasm', SIZE, 2],
    ['wasm', 6, 2],
    ['cpu', 6, 2],
  ] as const)(
    'has the gradients tfjs computes for the same layers, on %s, %i px, stride %i',
    async (backend, size, stride) => {
      const model = tinyNetwork({ size, stride });
      const x = inputs(2, 2, size);
      try {
        const ours = await topGradients(backend, model, x);
        await tf.setBackend('cpu');
        const xCpu = tf.variable(tf.tensor(x.dataSync(), x.shape));
        const reference = tf.variableGrads(
          () => lossOf(model.apply(xCpu) as tf.Tensor),
          [...model.trainableWeights.map((w) => w.read() as tf.Variable), xCpu],
        );
        expect(ours.loss).toBeCloseTo(reference.value.dataSync()[0]!, 3);
        for (const weight of model.trainableWeights) {
          const name = weight.originalName.replace(/_\d+$/, '').replace('depthwise_kernel', 'kernel');
          const got = ours.byName.get(name);
          expect(got, name).toBeDefined();
          const want = reference.grads[(weight.read() as tf.Variable).name]!.dataSync();
          expect(got!.length).toBe(want.length);
          const scale = Math.max(...Array.from(want, Math.abs), 1e-3);
          want.forEach((w, i) => expect(Math.abs(got![i]! - w) / scale, `${name}[${i}]`).toBeLessThan(1e-4));
        }
        const wantInput = reference.grads[xCpu.name]!.dataSync();
        const inputScale = Math.max(...Array.from(wantInput, Math.abs));
        wantInput.forEach((w, i) => expect(Math.abs(ours.input[i]! - w) / inputScale).toBeLessThan(1e-4));
      } finally {
        await tf.setBackend('wasm');
      }
    },
  );
});

/**
 * The start of a whole network: a strided 3×3 convolution of the image (the cut), then a depthwise and a
 * 1×1 convolution and the pool, as MobileNetV2 begins.
 */
function fromTheImage(size: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3], name: 'cut' });
  const conv = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6', name: 'conv' })
    .apply(input) as tf.SymbolicTensor;
  const depthwise = tf.layers
    .depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu6', name: 'depthwise' })
    .apply(conv) as tf.SymbolicTensor;
  const project = tf.layers
    .conv2d({ filters: 6, kernelSize: 1, padding: 'same', name: 'project' })
    .apply(depthwise) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(project) as tf.SymbolicTensor;
  return seedWeights(tf.model({ inputs: input, outputs: pool }), 5, 1.5);
}

describe('trainable top from the image (the whole network)', () => {
  // Odd and even sizes: TensorFlow pads an even input unevenly at stride 2.
  it.each([
    ['wasm', 7],
    ['wasm', 8],
    ['cpu', 8],
  ] as const)('has the weight gradients tfjs computes, on %s, %i px', async (backend, size) => {
    const model = fromTheImage(size);
    const random = createRandom(size);
    const values = Float32Array.from({ length: 2 * size * size * 3 }, () => random.normal());
    try {
      await tf.setBackend(backend);
      const top = describeTop(model, 'cut', 'pool');
      expect(top.ops[0]).toMatchObject({ kind: 'conv', size: 3, stride: 2 });
      const trainable = new TrainableTop(top, topWeightsFromModel(model, top));
      const x = tf.tensor4d(values, [2, size, size, 3]);
      const ours = tf.variableGrads(() => lossOf(trainable.forward(x)), [...trainable.variables.values()]);
      const got = new Map(
        [...trainable.variables].map(([name, v]) => [name, ours.grads[v.name]!.dataSync() as Float32Array]),
      );
      const loss = ours.value.dataSync()[0]!;
      trainable.dispose();

      await tf.setBackend('cpu');
      const reference = tf.variableGrads(
        () => lossOf(model.apply(tf.tensor4d(values, [2, size, size, 3])) as tf.Tensor),
        model.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      expect(loss).toBeCloseTo(reference.value.dataSync()[0]!, 3);
      for (const weight of model.trainableWeights) {
        const name = weight.originalName.replace(/_\d+$/, '').replace('depthwise_kernel', 'kernel');
        const want = reference.grads[(weight.read() as tf.Variable).name]!.dataSync();
        expect(got.get(name)?.length, name).toBe(want.length);
        const scale = Math.max(...Array.from(want, Math.abs), 1e-3);
        want.forEach((w, i) =>
          expect(Math.abs(got.get(name)![i]! - w) / scale, `${name}[${i}]`).toBeLessThan(1e-4),
        );
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });
});

describe('dihedral augmentation', () => {
  const size = 3;
  const channels = 2;
  const map = Float32Array.from({ length: size * size * channels }, (_, i) => i);

  it('gives the eight distinct flips and quarter-turns, each keeping every value', () => {
    const seen = new Set<string>();
    for (let t = 0; t < DIHEDRAL_COUNT; t++) {
      const out = new Float32Array(map.length);
      dihedral(map, out, size, channels, t);
      expect([...out].sort((a, b) => a - b)).toEqual([...map]);
      seen.add(out.join(','));
    }
    expect(seen.size).toBe(DIHEDRAL_COUNT);
  });

  it('keeps channels together and mirrors columns for transform 1', () => {
    const out = new Float32Array(map.length);
    dihedral(map, out, size, channels, 1);
    // Row 0 of the map is pixels (0,0) (0,1) (0,2) = [0,1] [2,3] [4,5]; mirrored: [4,5] [2,3] [0,1].
    expect([...out.subarray(0, 6)]).toEqual([4, 5, 2, 3, 0, 1]);
    dihedral(map, out, size, channels, 4);
    // Transposed: pixel (0,1) comes from (1,0) = [6,7].
    expect([...out.subarray(2, 4)]).toEqual([6, 7]);
  });
});
