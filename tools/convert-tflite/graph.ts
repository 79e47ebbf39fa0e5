import * as tf from '@tensorflow/tfjs';
import { EMBEDDING_LAYER } from '../../src/main/model/network/backbone';
import { INPUT_SCALE, INPUT_ZERO_POINT } from '../../src/main/model/network/preprocess';
import {
  Op,
  TensorType,
  leadingActivation,
  poolOptions,
  softmaxBeta,
  type Activation,
  type Operator,
  type Tensor,
  type TfliteModel,
} from './tflite-model';
import { ACTIVATION, weightedLayer, weightsOf, type WeightedLayer } from './weighted-layers';
import { dequantize, type Weight, type WeightStorage } from './weights';

/**
 * Maps a TFLite MobileNet-style graph onto tf.layers, operator by operator (TFLite stores them in
 * execution order). Activations run in float32: the 8-bit activation quantization is an inference trick
 * of the source, not part of the network, so a float graph with the same weights is the faithful form.
 */

export interface ConvertedGraph {
  model: tf.LayersModel;
  /** In the order of model.weights, named as tfjs names them, ready for the weights manifest. */
  weights: Weight[];
}

type Symbolic = tf.SymbolicTensor;

/** A readable, unique layer name from the TFLite weight tensor's scope (`MobilenetV2/Conv_1/...`). */
function scopeName(t: Tensor | undefined, fallback: string): string {
  const first = t?.name.split(';')[0] ?? '';
  const scope = first.split('/').slice(1, -1).join('_');
  return (scope || fallback).replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
}

export function buildGraph(source: TfliteModel, storage: WeightStorage): ConvertedGraph {
  const symbols = new Map<number, Symbolic>();
  /** TFLite tensors shaped [1, 1, 1, C] that tfjs carries as [N, C] after global pooling. */
  const flat = new Set<number>();
  const used = new Set<string>();
  const pending: WeightedLayer[] = [];

  const tensor = (i: number | undefined, op?: Operator): Tensor => {
    const t = i === undefined ? undefined : source.tensors[i];
    if (!t) throw new Error(`operator ${op?.index ?? '(graph input)'}: tensor ${i} does not exist`);
    return t;
  };
  const symbol = (i: number | undefined, op?: Operator): Symbolic => {
    const s = i === undefined ? undefined : symbols.get(i);
    if (!s) throw new Error(`${op ? `operator ${op.index}` : 'graph output'}: tensor ${i} is never computed`);
    return s;
  };
  const unique = (name: string): string => {
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = `${name}_${n}`;
    used.add(candidate);
    return candidate;
  };
  const output = (op: Operator, value: Symbolic, isFlat = false): void => {
    const out = op.outputs[0];
    if (out === undefined) throw new Error(`operator ${op.index} has no output`);
    symbols.set(out, value);
    if (isFlat) flat.add(out);
  };

  const [inputIndex] = source.inputs;
  const inputTensor = tensor(inputIndex);
  const [, height, width, channels] = inputTensor.shape;
  if (inputIndex === undefined || !height || !width || !channels || source.inputs.length !== 1) {
    throw new Error(`expected one NHWC image input, found shape [${inputTensor.shape}]`);
  }
  const input = tf.input({ shape: [height, width, channels], name: unique('input') });
  symbols.set(inputIndex, rescaleInput(input, inputTensor, unique));

  for (const op of source.operators) {
    const x = symbol(op.inputs[0], op);
    const inputFlat = flat.has(op.inputs[0] ?? -1);
    switch (op.code) {
      case Op.CONV_2D:
      case Op.DEPTHWISE_CONV_2D:
      case Op.FULLY_CONNECTED: {
        const w = tensor(op.inputs[1], op);
        const b = op.inputs[2] === undefined || op.inputs[2] < 0 ? undefined : tensor(op.inputs[2], op);
        const mapped = weightedLayer(op, x, inputFlat, unique(scopeName(w, `op${op.index}`)), w, b);
        pending.push(mapped);
        output(op, mapped.layer.apply(x) as Symbolic, inputFlat || op.code === Op.FULLY_CONNECTED);
        break;
      }
      case Op.ADD: {
        const sum = tf.layers.add({ name: unique('add') }).apply([x, symbol(op.inputs[1], op)]) as Symbolic;
        const act = leadingActivation(op);
        output(op, act === 'none' ? sum : activation(sum, act, unique), inputFlat);
        break;
      }
      case Op.AVERAGE_POOL_2D: {
        const o = poolOptions(op);
        const global = o.padding === 'valid' && o.filter[0] === x.shape[1] && o.filter[1] === x.shape[2];
        if (!global) throw new Error(`operator ${op.index}: only global average pooling is supported`);
        output(op, activation(globalPool(x, unique), o.activation, unique), true);
        break;
      }
      case Op.MEAN: {
        const axes = Array.from(dequantize(tensor(op.inputs[1], op)));
        if (axes.join() !== '1,2')
          throw new Error(`operator ${op.index}: MEAN over axes [${axes}] is not supported`);
        output(op, globalPool(x, unique), true);
        break;
      }
      case Op.RESHAPE: {
        const shape = tensor(op.outputs[0], op).shape;
        const isFlatShape = shape.slice(1, -1).every((d) => d === 1);
        if (!inputFlat || !isFlatShape)
          throw new Error(`operator ${op.index}: only squeezing a pooled tensor is supported`);
        output(op, x, true);
        break;
      }
      case Op.SOFTMAX:
        if (softmaxBeta(op) !== 1)
          throw new Error(`operator ${op.index}: softmax beta ${softmaxBeta(op)} is not 1`);
        output(op, tf.layers.softmax({ name: unique('probabilities') }).apply(x) as Symbolic, inputFlat);
        break;
      case Op.QUANTIZE:
      case Op.DEQUANTIZE:
        // Float graph: a change of 8-bit representation is the identity.
        output(op, x, inputFlat);
        break;
      default:
        throw new Error(`operator ${op.index}: builtin operator ${op.code} is not supported`);
    }
  }

  const outputs = source.outputs.map((i) => symbol(i));
  const model = tf.model({ inputs: input, outputs, name: 'mobilenet_v2' });
  return { model, weights: pending.flatMap((p) => weightsOf(p, storage)) };
}

function globalPool(x: Symbolic, unique: (n: string) => string): Symbolic {
  // A fixed name lets the backbone find the embedding without knowing the graph.
  return tf.layers.globalAveragePooling2d({ name: unique(EMBEDDING_LAYER) }).apply(x) as Symbolic;
}

function activation(x: Symbolic, act: Activation, unique: (n: string) => string): Symbolic {
  if (act === 'none') return x;
  return tf.layers.activation({ name: unique(act), activation: ACTIVATION[act] }).apply(x) as Symbolic;
}

/**
 * Every converted model takes x = (pixel - 128) / 128, so preprocessing never depends on the source.
 * A source quantized differently (the TF2 export uses (pixel - 127) / 127.5) gets a rescaling layer.
 */
function rescaleInput(input: Symbolic, t: Tensor, unique: (n: string) => string): Symbolic {
  const q = t.quantization;
  if (!q || t.type === TensorType.FLOAT32) return input;
  const scale = q.scale[0] ?? 1;
  const zero = q.zeroPoint[0] ?? 0;
  // The stored tensor may be int8 (codes shifted by 128); pixel = code + (uint8 ? 0 : 128).
  const pixelZero = t.type === TensorType.INT8 ? zero + 128 : zero;
  if (scale === INPUT_SCALE && pixelZero === INPUT_ZERO_POINT) return input;
  // pixel = x / INPUT_SCALE + INPUT_ZERO_POINT, and the source wants (pixel - pixelZero) * scale.
  return tf.layers
    .rescaling({
      name: unique('rescale_input'),
      scale: scale / INPUT_SCALE,
      offset: (INPUT_ZERO_POINT - pixelZero) * scale,
    })
    .apply(input) as Symbolic;
}
