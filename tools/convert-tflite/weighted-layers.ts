import * as tf from '@tensorflow/tfjs';
import {
  Op,
  convOptions,
  leadingActivation,
  type Activation,
  type Operator,
  type Tensor,
} from './tflite-model';
import { encode, type Weight, type WeightStorage } from './weights';

/** TFLite's convolutions and fully connected layers as tf.layers, with where each weight comes from. */

export const ACTIVATION: Record<Activation, 'linear' | 'relu' | 'relu6'> = {
  none: 'linear',
  relu: 'relu',
  relu6: 'relu6',
};

interface WeightSource {
  tensor: Tensor;
  /** The tfjs variable's shape. */
  shape: number[];
  /** Axis order from the TFLite layout to the tfjs one; undefined when the bytes already agree. */
  perm?: number[];
}

export interface WeightedLayer {
  layer: tf.layers.Layer;
  /** In the order of layer.weights: kernel, then bias. */
  sources: WeightSource[];
}

export function weightedLayer(
  op: Operator,
  x: tf.SymbolicTensor,
  inputFlat: boolean,
  name: string,
  w: Tensor,
  b: Tensor | undefined,
): WeightedLayer {
  const [outC = 0, kh = 1, kw = 1, inC = 0] = w.shape;
  const useBias = b !== undefined;
  const withBias = (kernel: WeightSource): WeightSource[] =>
    b ? [kernel, { tensor: b, shape: b.shape }] : [kernel];

  if (op.code === Op.DEPTHWISE_CONV_2D) {
    const o = convOptions(op);
    const { strides, padding, dilation: dilationRate, depthMultiplier } = o;
    const layer = tf.layers.depthwiseConv2d({
      name,
      kernelSize: [kh, kw],
      ...{ strides, padding, dilationRate, depthMultiplier, useBias },
      activation: ACTIVATION[o.activation],
    });
    // [1, H, W, C*M] is already [H, W, C, M] in row-major order: no transpose needed.
    return { layer, sources: withBias({ tensor: w, shape: [kh, kw, x.shape[3] ?? 0, depthMultiplier] }) };
  }
  if (op.code === Op.FULLY_CONNECTED || inputFlat) {
    // A 1x1 convolution over a pooled [1, 1, 1, C] tensor is a dense layer on [N, C].
    if (op.code === Op.CONV_2D && (kh !== 1 || kw !== 1)) {
      throw new Error(`operator ${op.index}: ${kh}x${kw} convolution after global pooling`);
    }
    const activation = op.code === Op.CONV_2D ? convOptions(op).activation : leadingActivation(op);
    const inputs = w.shape[w.shape.length - 1] ?? 0;
    const layer = tf.layers.dense({ name, units: outC, activation: ACTIVATION[activation], useBias });
    const perm = w.shape.length === 4 ? [3, 1, 2, 0] : [1, 0];
    return { layer, sources: withBias({ tensor: w, shape: [inputs, outC], perm }) };
  }
  const o = convOptions(op);
  const layer = tf.layers.conv2d({
    name,
    filters: outC,
    kernelSize: [kh, kw],
    ...{ strides: o.strides, padding: o.padding, dilationRate: o.dilation, useBias },
    activation: ACTIVATION[o.activation],
  });
  // TFLite OHWI -> tfjs HWIO.
  return { layer, sources: withBias({ tensor: w, shape: [kh, kw, inC, outC], perm: [1, 2, 3, 0] }) };
}

/** Pairs each tfjs variable (by its original name) with its encoded source, checking shapes agree. */
export function weightsOf({ layer, sources }: WeightedLayer, storage: WeightStorage): Weight[] {
  const variables = layer.weights;
  if (variables.length !== sources.length) {
    throw new Error(`layer ${layer.name}: ${variables.length} weights, ${sources.length} sources`);
  }
  return sources.map((s, i) => {
    const v = variables[i];
    if (!v || v.shape.join() !== s.shape.join()) {
      throw new Error(`layer ${layer.name}: weight ${i} is [${v?.shape}], source is [${s.shape}]`);
    }
    return encode(v.originalName, s.tensor, s.shape, s.perm, storage);
  });
}
