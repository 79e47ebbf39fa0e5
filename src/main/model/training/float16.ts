/**
 * IEEE 754 half precision, which Node 20 has no typed array for: activations cached for deep retraining
 * keep 11 significant bits, a relative error of at most 2⁻¹¹, in half the bytes of float32.
 */
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The half-precision bits nearest `value` (ties to even); beyond ±65504, ±Infinity. */
export function toHalf(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 112;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal in half precision: the implicit leading bit becomes explicit, shifted into place.
    if (halfExponent < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - halfExponent);
  }
  // A rounding carry out of the mantissa correctly steps the exponent (up to Infinity).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return kept + (rest > halfway || (rest === halfway && (kept & 1) === 1) ? 1 : 0);
}

let table: Float32Array | undefined;

/** Every half-precision value, by its bits: decoding is one lookup per value. */
export function halfTable(): Float32Array {
  table ??= Float32Array.from({ length: 0x10000 }, (_, bits) => fromHalf(bits));
  return table;
}

function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function encodeHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i] as number);
  return out;
}

export function decodeHalf(bits: Uint16Array, target: Float32Array, offset = 0): void {
  const lookup = halfTable();
  for (let i = 0; i < bits.length; i++) target[offset + i] = lookup[bits[i] as number] as number;
}
