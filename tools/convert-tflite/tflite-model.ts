import { FlatBufferError, Table } from './flatbuffers';

/**
 * The slice of tensorflow/lite/schema/schema.fbs that an image-classification graph uses, decoded into
 * plain objects. Field numbers below are the schema's field order; they never change once published.
 */

export const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, INT8: 9 } as const;

/** BuiltinOperator codes used by MobileNet-style graphs. */
export const Op = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  RESHAPE: 22,
  SOFTMAX: 25,
  MEAN: 40,
  QUANTIZE: 114,
} as const;

export type Padding = 'same' | 'valid';
export type Activation = 'none' | 'relu' | 'relu6';

export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  /** The axis that per-channel scales run along; meaningless when there is one scale. */
  axis: number;
}

export interface Tensor {
  name: string;
  shape: number[];
  type: number;
  /** Constant contents, or undefined for activations. */
  data?: Uint8Array;
  quantization?: Quantization;
}

export interface ConvOptions {
  padding: Padding;
  strides: [number, number];
  dilation: [number, number];
  activation: Activation;
  depthMultiplier: number;
}
export interface PoolOptions {
  padding: Padding;
  strides: [number, number];
  filter: [number, number];
  activation: Activation;
}

export interface Operator {
  /** Index into the subgraph's operator list: used for error messages and stable layer names. */
  index: number;
  code: number;
  inputs: number[];
  outputs: number[];
  options: Table | undefined;
}

export interface TfliteModel {
  version: number;
  description: string;
  tensors: Tensor[];
  inputs: number[];
  outputs: number[];
  operators: Operator[];
}

const ACTIVATIONS: Record<number, Activation> = { 0: 'none', 1: 'relu', 3: 'relu6' };

function activation(code: number, where: string): Activation {
  const found = ACTIVATIONS[code];
  if (found === undefined) throw new FlatBufferError(`${where}: fused activation ${code} is not supported`);
  return found;
}

const padding = (code: number): Padding => (code === 0 ? 'same' : 'valid');

export function convOptions(op: Operator): ConvOptions {
  const t = op.options;
  if (!t) throw new FlatBufferError(`operator ${op.index}: convolution without options`);
  const depthwise = op.code === Op.DEPTHWISE_CONV_2D;
  // DepthwiseConv2DOptions has depth_multiplier at field 3, which shifts the fields after it by one.
  const shift = depthwise ? 1 : 0;
  return {
    padding: padding(t.int8(0)),
    strides: [t.int32(2), t.int32(1)],
    dilation: [t.int32(5 + shift, 1), t.int32(4 + shift, 1)],
    activation: activation(t.int8(3 + shift), `operator ${op.index}`),
    depthMultiplier: depthwise ? t.int32(3, 1) : 1,
  };
}

export function poolOptions(op: Operator): PoolOptions {
  const t = op.options;
  if (!t) throw new FlatBufferError(`operator ${op.index}: pooling without options`);
  return {
    padding: padding(t.int8(0)),
    strides: [t.int32(2), t.int32(1)],
    filter: [t.int32(4), t.int32(3)],
    activation: activation(t.int8(5), `operator ${op.index}`),
  };
}

/** AddOptions and FullyConnectedOptions both keep the fused activation in field 0. */
export const leadingActivation = (op: Operator): Activation =>
  activation(op.options?.int8(0) ?? 0, `operator ${op.index}`);

export const softmaxBeta = (op: Operator): number => op.options?.float32(0, 0) ?? 0;

function quantization(t: Table | undefined): Quantization | undefined {
  if (!t) return undefined;
  if (t.uint8(4) !== 0) throw new FlatBufferError('custom quantization details are not supported');
  const scale = t.float32s(2);
  if (scale.length === 0) return undefined;
  const zeroPoint = t.int64s(3);
  return { scale, zeroPoint: zeroPoint.length ? zeroPoint : scale.map(() => 0), axis: t.int32(6) };
}

export function readTflite(bytes: Uint8Array): TfliteModel {
  const model = Table.root(bytes, 'TFL3');
  const buffers = model.tables(4).map((b) => {
    if (b.uint32(1) > 1)
      throw new FlatBufferError('weights outside the FlatBuffer (>2 GB models) are not supported');
    return b.bytesVector(0);
  });
  const codes = model.tables(1).map((c) => Math.max(c.int8(0), c.int32(3)));
  const [subgraph, ...others] = model.tables(2);
  if (!subgraph || others.length) throw new FlatBufferError('expected exactly one subgraph');
  const tensors = subgraph.tables(0).map((t): Tensor => {
    const data = buffers[t.uint32(2)];
    return {
      name: t.string(3) ?? '',
      shape: t.int32s(0),
      type: t.int8(1),
      data: data && data.byteLength > 0 ? data : undefined,
      quantization: quantization(t.table(4)),
    };
  });
  const operators = subgraph.tables(3).map((o, index): Operator => {
    const code = codes[o.uint32(0)];
    if (code === undefined) throw new FlatBufferError(`operator ${index}: opcode index out of range`);
    return { index, code, inputs: o.int32s(1), outputs: o.int32s(2), options: o.table(4) };
  });
  return {
    version: model.uint32(0),
    description: model.string(3) ?? '',
    tensors,
    inputs: subgraph.int32s(1),
    outputs: subgraph.int32s(2),
    operators,
  };
}
