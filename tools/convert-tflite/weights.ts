import { TensorType, type Tensor } from './tflite-model';

/**
 * Turns TFLite constant tensors into weights in TensorFlow.js layout, keeping the original 8-bit codes
 * where the tfjs weights manifest can express their dequantization (one affine map per tensor:
 * value = code * scale + min) and falling back to float16 or float32 where it cannot (per-channel scales).
 */

export type WeightStorage = 'uint8' | 'float16' | 'float32';

export type Encoded =
  | { dtype: 'uint8'; codes: Uint8Array; scale: number; min: number }
  | { dtype: 'float16' | 'float32'; values: Float32Array };

export interface Weight {
  /** The tfjs variable's original name, e.g. `conv_1/kernel`. */
  name: string;
  shape: number[];
  encoded: Encoded;
}

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Reorders an N-d row-major array: output axis i is input axis perm[i]. */
export function transpose<T extends Uint8Array | Float32Array>(data: T, shape: number[], perm: number[]): T {
  const outShape = perm.map((p) => shape[p] ?? 0);
  const inStrides = shape.map((_, i) => product(shape.slice(i + 1)));
  const stepIn = perm.map((p) => inStrides[p] ?? 0);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let d = 0; d < index.length; d++) source += (index[d] ?? 0) * (stepIn[d] ?? 0);
    out[o] = data[source] ?? 0;
    for (let d = index.length - 1; d >= 0; d--) {
      index[d] = (index[d] ?? 0) + 1;
      if ((index[d] ?? 0) < (outShape[d] ?? 0)) break;
      index[d] = 0;
    }
  }
  return out;
}

function rawValues(t: Tensor): Float64Array | Uint8Array | Int8Array | Int32Array | Float32Array {
  if (!t.data) throw new Error(`tensor ${t.name} has no constant data`);
  const { buffer, byteOffset, byteLength } = t.data;
  // A copy, because FlatBuffer vectors need not sit on a 4-byte boundary of the file.
  const copy = buffer.slice(byteOffset, byteOffset + byteLength);
  switch (t.type) {
    case TensorType.UINT8:
      return new Uint8Array(copy);
    case TensorType.INT8:
      return new Int8Array(copy);
    case TensorType.INT32:
      return new Int32Array(copy);
    case TensorType.FLOAT32:
      return new Float32Array(copy);
    default:
      throw new Error(`tensor ${t.name}: element type ${t.type} is not supported`);
  }
}

/** real = scale * (q - zero_point), per tensor or per channel along the quantized axis. */
export function dequantize(t: Tensor): Float32Array {
  const raw = rawValues(t);
  const out = new Float32Array(raw.length);
  const q = t.quantization;
  if (t.type === TensorType.FLOAT32 || !q) {
    out.set(raw);
    return out;
  }
  const inner = product(t.shape.slice(q.axis + 1));
  const channels = t.shape[q.axis] ?? 1;
  for (let i = 0; i < raw.length; i++) {
    const c = q.scale.length === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = (q.scale[c] ?? 0) * ((raw[i] ?? 0) - (q.zeroPoint[c] ?? 0));
  }
  return out;
}

/**
 * Encodes a constant in tfjs layout. 8-bit tensors with a single scale keep their codes (an int8 code
 * q is stored as q + 128, with min moved to match), which is lossless; everything else is dequantized.
 */
export function encode(
  name: string,
  t: Tensor,
  shape: number[],
  perm: number[] | undefined,
  storage: WeightStorage,
): Weight {
  if (product(shape) !== product(t.shape)) throw new Error(`${name}: ${t.shape} cannot become ${shape}`);
  const q = t.quantization;
  const eightBit = t.type === TensorType.UINT8 || t.type === TensorType.INT8;
  if (storage === 'uint8' && eightBit && q && q.scale.length === 1) {
    const raw = rawValues(t);
    const offset = t.type === TensorType.INT8 ? 128 : 0;
    const codes = Uint8Array.from(raw, (v) => v + offset);
    const scale = q.scale[0] ?? 0;
    const min = scale * (-offset - (q.zeroPoint[0] ?? 0));
    return {
      name,
      shape,
      encoded: { dtype: 'uint8', codes: perm ? transpose(codes, t.shape, perm) : codes, scale, min },
    };
  }
  const values = dequantize(t);
  // Biases are int32 and few: float32 keeps them exact, and float16 could not hold their range anyway.
  const dtype = storage === 'float32' || t.type === TensorType.INT32 ? 'float32' : 'float16';
  return { name, shape, encoded: { dtype, values: perm ? transpose(values, t.shape, perm) : values } };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 with round-to-nearest-even, which is what tfjs's float16 decoder expects. */
export function float16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i] ?? 0;
    const x = u32[0] ?? 0;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    let shift = 13;
    let base = e << 10;
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      shift = 14 - e;
      base = 0;
    }
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let h = base + (mantissa >>> shift);
    if (rest > half || (rest === half && h & 1)) h++;
    out[i] = sign | h;
  }
  return out;
}
