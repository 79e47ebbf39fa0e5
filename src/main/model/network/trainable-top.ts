import * as tf from '@tensorflow/tfjs';

/**
 * The top of the backbone (the layers after the cut up to the global-average pool; "top" and its other
 * meanings are named in ../README.md) as trainable variables, and a forward pass built only from
 * operations whose gradients every backend has. The wasm backend has no Conv2DBackpropFilter and no
 * depthwise gradient kernels, so:
 * - a 1×1 convolution is a matrix product over pixels: [N·H·W, Cin] × [Cin, Cout];
 * - a 3×3 depthwise convolution is nine shifted slices of the padded input, each times its tap.
 * The same code trains on tfjs-node(-gpu), where it is simply the same arithmetic.
 */

type Op =
  | { kind: 'pointwise'; name: string; input: string; relu6: boolean }
  /** A full k×k convolution, only as the first layer after the cut (the image, for the whole network). */
  | { kind: 'conv'; name: string; input: string; relu6: boolean; size: number; stride: number }
  | { kind: 'depthwise'; name: string; input: string; relu6: boolean; size: number; stride: number }
  | { kind: 'add'; name: string; inputs: string[] }
  | { kind: 'pool'; name: string; input: string };

export interface TopWeight {
  /** `<layer>/kernel` or `<layer>/bias`. */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TopDescription {
  /** The layer whose output the top takes as its input (the cached activation). */
  cut: string;
  ops: Op[];
}

/** Reads the layers after `cut` up to `pool` from a layers model, refusing any the top cannot train. */
export function describeTop(model: tf.LayersModel, cut: string, pool: string): TopDescription {
  const ops: Op[] = [];
  let started = false;
  for (const layer of model.layers) {
    if (!started) {
      started = layer.name === cut;
      continue;
    }
    const inputs = layer.inboundNodes[0]?.inboundLayers.map((l) => l.name) ?? [];
    const config = layer.getConfig() as {
      activation?: string;
      strides?: number[];
      kernel_size?: number[];
      kernelSize?: number[];
      padding?: string;
    };
    const activation = config.activation ?? 'linear';
    if (activation !== 'linear' && activation !== 'relu6') {
      throw new Error(`trainable top: ${layer.name} has activation ${activation}`);
    }
    const relu6 = activation === 'relu6';
    const kernelSize = config.kernel_size ?? config.kernelSize ?? [1, 1];
    const strides = config.strides ?? [1, 1];
    const strided = strides.some((s) => s !== 1);
    switch (layer.getClassName()) {
      case 'Conv2D': {
        if (!strided && kernelSize[0] === 1 && kernelSize[1] === 1) {
          ops.push({ kind: 'pointwise', name: layer.name, input: inputs[0] as string, relu6 });
          break;
        }
        const size = kernelSize[0] as number;
        const stride = strides[0] as number;
        if (inputs[0] !== cut || size !== kernelSize[1] || config.padding !== 'same' || stride !== strides[1])
          throw new Error(
            `trainable top: ${layer.name} is a full convolution that does not read the cut (${cut}) ` +
              `as a square 'same' kernel`,
          );
        ops.push({ kind: 'conv', name: layer.name, input: cut, relu6, size, stride });
        break;
      }
      case 'DepthwiseConv2D': {
        const size = kernelSize[0] as number;
        const stride = strides[0] as number;
        if (
          size !== kernelSize[1] ||
          size % 2 !== 1 ||
          config.padding !== 'same' ||
          stride !== strides[1] ||
          (stride !== 1 && stride !== 2)
        )
          throw new Error(
            `trainable top: ${layer.name} is not an odd square 'same' depthwise with stride 1 or 2`,
          );
        ops.push({ kind: 'depthwise', name: layer.name, input: inputs[0] as string, relu6, size, stride });
        break;
      }
      case 'Add':
        ops.push({ kind: 'add', name: layer.name, inputs });
        break;
      case 'GlobalAveragePooling2D':
        ops.push({ kind: 'pool', name: layer.name, input: inputs[0] as string });
        break;
      default:
        throw new Error(`trainable top: ${layer.name} (${layer.getClassName()}) is not supported`);
    }
    if (layer.name === pool) return { cut, ops };
  }
  throw new Error(started ? `no layer ${pool} after ${cut}` : `no layer ${cut} in the model`);
}

/** The pretrained weights of the top's layers, read from the model, in the top's order. */
export function topWeightsFromModel(model: tf.LayersModel, top: TopDescription): TopWeight[] {
  return top.ops.flatMap((op) => {
    if (op.kind !== 'pointwise' && op.kind !== 'depthwise' && op.kind !== 'conv') return [];
    const [kernel, bias] = model.getLayer(op.name).getWeights();
    if (!kernel || !bias) throw new Error(`trainable top: ${op.name} has no kernel and bias`);
    return [
      { name: `${op.name}/kernel`, shape: kernel.shape, values: kernel.dataSync() as Float32Array },
      { name: `${op.name}/bias`, shape: bias.shape, values: bias.dataSync() as Float32Array },
    ];
  });
}

export class TrainableTop {
  readonly variables: Map<string, tf.Variable>;

  constructor(
    readonly description: TopDescription,
    weights: readonly TopWeight[],
  ) {
    this.variables = new Map(
      weights.map((w) => [w.name, variableOf(tf.tensor(w.values, w.shape), `top/${w.name}`)]),
    );
    for (const op of description.ops) {
      if (op.kind === 'pointwise' || op.kind === 'depthwise' || op.kind === 'conv') {
        this.variable(`${op.name}/kernel`);
        this.variable(`${op.name}/bias`);
      }
    }
  }

  /** [N, H, W, C] activations at the cut → [N, D] pooled embeddings. */
  forward(input: tf.Tensor4D): tf.Tensor2D {
    const outputs = new Map<string, tf.Tensor4D>([[this.description.cut, input]]);
    const get = (name: string): tf.Tensor4D => {
      const value = outputs.get(name);
      if (!value) throw new Error(`trainable top: ${name} is used before it is computed`);
      return value;
    };
    let last: tf.Tensor | undefined;
    for (const op of this.description.ops) {
      switch (op.kind) {
        case 'pointwise':
          last = this.pointwise(get(op.input), op.name, op.relu6);
          break;
        case 'depthwise':
          last = this.depthwise(get(op.input), op.name, op.relu6, op.stride);
          break;
        case 'conv':
          last = this.conv(get(op.input), op.name, op.relu6, op.size, op.stride);
          break;
        case 'add':
          last = tf.addN(op.inputs.map(get));
          break;
        case 'pool':
          last = tf.mean(get(op.input), [1, 2]);
          break;
      }
      if (last.rank === 4) outputs.set(op.name, last as tf.Tensor4D);
    }
    if (!last || last.rank !== 2) throw new Error('trainable top: it does not end in a pooling layer');
    return last as tf.Tensor2D;
  }

  /** The current weights, for saving with a model version. */
  weights(): TopWeight[] {
    return [...this.variables].map(([name, v]) => ({
      name,
      shape: v.shape,
      values: v.dataSync() as Float32Array,
    }));
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }

  private variable(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`trainable top: no weight ${name}`);
    return v;
  }

  private pointwise(x: tf.Tensor4D, name: string, relu6: boolean): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    const kernel = this.variable(`${name}/kernel`);
    const out = kernel.shape[3] as number;
    const product = pointwiseConv(
      tf.reshape(x, [n * h * w, c]),
      tf.reshape(kernel, [c, out]),
      this.variable(`${name}/bias`),
      relu6,
    );
    return tf.reshape(product, [n, h, w, out]);
  }

  /**
   * A full convolution of the cut itself, which nothing trainable precedes: its input needs no gradient,
   * so it is a 1×1 convolution of the input's patches (im2col), whose kernel gradient every backend has.
   */
  private conv(x: tf.Tensor4D, name: string, relu6: boolean, size: number, stride: number): tf.Tensor4D {
    const kernel = this.variable(`${name}/kernel`);
    const [n, , , c] = x.shape;
    const out = kernel.shape[3] as number;
    // Kept until the backward pass, which reads them: the caller's tidy releases them.
    const patches = imageToColumns(x, size, stride);
    const [, oh, ow, taps] = patches.shape;
    const product = pointwiseConv(
      tf.reshape(patches, [n * oh * ow, taps]),
      tf.reshape(kernel, [size * size * c, out]),
      this.variable(`${name}/bias`),
      relu6,
    );
    return tf.reshape(product, [n, oh, ow, out]);
  }

  private depthwise(x: tf.Tensor4D, name: string, relu6: boolean, stride: number): tf.Tensor4D {
    return depthwiseConv(x, this.variable(`${name}/kernel`), this.variable(`${name}/bias`), relu6, stride);
  }
}

/** A trainable variable holding `value`, which it takes over (the tensor itself is released). */
export function variableOf(value: tf.Tensor, name?: string): tf.Variable {
  const variable = tf.variable(value, true, name);
  value.dispose();
  return variable;
}

/** ∂relu6/∂x as a 0/1 mask, read from the output: 1 where 0 < y < 6. */
function relu6Mask(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.mul(tf.step(y), tf.step(tf.sub(6, y))));
}

/**
 * f(x, w) + b, then relu6 if asked, as one operation with a hand-written gradient: `gradients` gives
 * ∂L/∂x and ∂L/∂w from g = ∂L/∂(f + b); ∂L/∂b is g summed over every axis but the channels.
 */
function withGradient<X extends tf.Tensor, W extends tf.Tensor>(
  f: (x: X, w: W) => tf.Tensor,
  gradients: (g: tf.Tensor, x: X, w: W) => [tf.Tensor, tf.Tensor],
  relu6: boolean,
): (x: X, w: W, b: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | ((saved: tf.Tensor[]) => void))[]) => {
    const [x, w, b, save] = args as [X, W, tf.Tensor, (saved: tf.Tensor[]) => void];
    const linear = tf.add(f(x, w), b);
    const value = relu6 ? tf.clipByValue(linear, 0, 6) : linear;
    save([x, w, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, wSaved, y] = saved as [X, W, tf.Tensor];
        const g = relu6 ? relu6Mask(dy, y) : dy;
        const axes = Array.from({ length: g.rank - 1 }, (_, i) => i);
        return [...gradients(g, xSaved, wSaved), tf.sum(g, axes)];
      },
    };
  });
  return (x, w, b) => op(x, w, b);
}

/**
 * x·W + b (+ relu6). tfjs would differentiate the product into products with a transposed operand,
 * which wasm runs about 6× slower than transposing first.
 */
function pointwiseConv(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor, relu6: boolean): tf.Tensor2D {
  const op = withGradient<tf.Tensor2D, tf.Tensor2D>(
    (xs, w) => tf.matMul(xs, w),
    (g, xs, w) => [tf.matMul(g, tf.transpose(w)), tf.matMul(tf.transpose(xs), g)],
    relu6,
  );
  return op(x, kernel, bias) as tf.Tensor2D;
}

/**
 * A 'same' depthwise convolution + bias (+ relu6), of stride 1 or 2. Where the backend has the depthwise
 * gradient kernels (tfjs-node, tfjs-node-gpu, cpu) tfjs differentiates it itself. On wasm, which lacks
 * them, the kernel gradient is accumulated tap by tap (a few million multiply-adds a batch); the input
 * gradient, at stride 1, is the same convolution with the kernel turned 180°, and at stride 2 (the step
 * from one stage's resolution to the next) each output's gradient is spread back over the inputs it read.
 */
function depthwiseConv(
  x: tf.Tensor4D,
  kernel: tf.Tensor,
  bias: tf.Tensor,
  relu6: boolean,
  stride: number,
): tf.Tensor4D {
  const convolve = (xs: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D =>
    tf.depthwiseConv2d(xs, k, stride, 'same');
  if (hasDepthwiseGradients()) {
    const linear = tf.add(convolve(x, kernel as tf.Tensor4D), bias);
    return (relu6 ? tf.clipByValue(linear, 0, 6) : linear) as tf.Tensor4D;
  }
  const op = withGradient<tf.Tensor4D, tf.Tensor4D>(
    convolve,
    (g, xs, k) => [
      stride === 1
        ? tf.depthwiseConv2d(g as tf.Tensor4D, tf.reverse(k, [0, 1]) as tf.Tensor4D, 1, 'same')
        : depthwiseInputGradient(g as tf.Tensor4D, k, xs.shape, stride),
      depthwiseKernelGradient(xs, g as tf.Tensor4D, k.shape, stride),
    ],
    relu6,
  );
  return op(x, kernel as tf.Tensor4D, bias) as tf.Tensor4D;
}

function hasDepthwiseGradients(): boolean {
  const backend = tf.getBackend();
  return ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'].every(
    (kernel) => tf.getKernel(kernel, backend) !== undefined,
  );
}

/**
 * [N, H, W, C] → [N, OH, OW, size·size·C]: for each output the input values its kernel reads under
 * TensorFlow's 'same' padding, tap by tap (row, then column, then channel: a kernel's own layout).
 */
function imageToColumns(x: tf.Tensor4D, size: number, stride: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const oh = Math.ceil(h / stride);
  const ow = Math.ceil(w / stride);
  const rowsBefore = paddingBefore(h, size, stride);
  const columnsBefore = paddingBefore(w, size, stride);
  const padded = tf.pad(x, [
    [0, 0],
    [rowsBefore, Math.max((oh - 1) * stride + size - h - rowsBefore, 0)],
    [columnsBefore, Math.max((ow - 1) * stride + size - w - columnsBefore, 0)],
    [0, 0],
  ]);
  const taps: tf.Tensor4D[] = [];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      taps.push(
        tf.stridedSlice(
          padded,
          [0, i, j, 0],
          [n, i + (oh - 1) * stride + 1, j + (ow - 1) * stride + 1, c],
          [1, stride, stride, 1],
        ) as tf.Tensor4D,
      );
    }
  }
  return tf.concat(taps, 3);
}

/** Rows (or columns) of zeros TensorFlow's 'same' padding puts before an input of `size`. */
function paddingBefore(size: number, kernel: number, stride: number): number {
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max((out - 1) * stride + kernel - size, 0) / 2);
}

/**
 * Calls `each(xOffset, gOffset, kOffset)` for every input value, output gradient and tap that meet in
 * the convolution: output (row, col) reads input (row·s + i − rowsBefore, col·s + j − columnsBefore)
 * through tap (i, j).
 */
function forEachTap(
  xShape: readonly number[],
  gShape: readonly number[],
  size: number,
  stride: number,
  each: (xOffset: number, gOffset: number, kOffset: number, channels: number) => void,
): void {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const [, oh, ow] = gShape as [number, number, number, number];
  const rowsBefore = paddingBefore(h, size, stride);
  const columnsBefore = paddingBefore(w, size, stride);
  for (let b = 0; b < n; b++) {
    for (let row = 0; row < oh; row++) {
      for (let col = 0; col < ow; col++) {
        const gOffset = ((b * oh + row) * ow + col) * c;
        for (let i = 0; i < size; i++) {
          const xr = row * stride + i - rowsBefore;
          if (xr < 0 || xr >= h) continue;
          for (let j = 0; j < size; j++) {
            const xc = col * stride + j - columnsBefore;
            if (xc < 0 || xc >= w) continue;
            each(((b * h + xr) * w + xc) * c, gOffset, (i * size + j) * c, c);
          }
        }
      }
    }
  }
}

/** ∂L/∂K[i, j, c] = Σ over n and the outputs of x at the input the tap reads · g there. */
function depthwiseKernelGradient(x: tf.Tensor4D, g: tf.Tensor4D, shape: number[], stride: number): tf.Tensor {
  const size = shape[0] as number;
  const xs = x.dataSync();
  const gs = g.dataSync();
  const out = new Float32Array(size * size * (x.shape[3] as number));
  forEachTap(x.shape, g.shape, size, stride, (xOffset, gOffset, kOffset, c) => {
    for (let ch = 0; ch < c; ch++) out[kOffset + ch]! += xs[xOffset + ch]! * gs[gOffset + ch]!;
  });
  return tf.tensor(out, shape);
}

/** ∂L/∂x: each output's gradient times each tap, added to the input that tap read. */
function depthwiseInputGradient(
  g: tf.Tensor4D,
  kernel: tf.Tensor,
  xShape: number[],
  stride: number,
): tf.Tensor {
  const size = kernel.shape[0] as number;
  const ks = kernel.dataSync();
  const gs = g.dataSync();
  const out = new Float32Array(xShape.reduce((a, b) => a * b, 1));
  forEachTap(xShape, g.shape, size, stride, (xOffset, gOffset, kOffset, c) => {
    for (let ch = 0; ch < c; ch++) out[xOffset + ch]! += ks[kOffset + ch]! * gs[gOffset + ch]!;
  });
  return tf.tensor(out, xShape);
}
