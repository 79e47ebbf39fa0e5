import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf, halfTable, toHalf } from '../../src/main/model/training/float16';

const roundTrip = (value: number): number => halfTable()[toHalf(value)] as number;

describe('half precision', () => {
  it('keeps the values it can represent exactly, signs and extremes included', () => {
    for (const value of [0, 1, -1, 0.5, 2048, -3.75, 65504, -65504, 2 ** -14, 2 ** -24, 1 + 2 ** -10]) {
      expect(roundTrip(value)).toBe(value);
    }
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(2 ** -24)).toBe(0x0001);
  });

  it('rounds to the nearest value, ties to even, carrying into the exponent', () => {
    expect(roundTrip(1 + 2 ** -11)).toBe(1);
    expect(roundTrip(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundTrip(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10);
    expect(roundTrip(2 - 2 ** -12)).toBe(2);
    expect(roundTrip(3 * 2 ** -26)).toBe(2 ** -24);
    expect(roundTrip(2 ** -26)).toBe(0);
  });

  it('turns what is too large into infinity and keeps NaN', () => {
    expect(roundTrip(65520)).toBe(Infinity);
    expect(roundTrip(-1e6)).toBe(-Infinity);
    expect(roundTrip(Infinity)).toBe(Infinity);
    expect(roundTrip(NaN)).toBeNaN();
  });

  it('is within a relative 2⁻¹¹ of any normal value, encoded and decoded in bulk', () => {
    let state = 12345;
    const random = (): number => (state = (state * 48271) % 2147483647) / 2147483647;
    const values = Float32Array.from({ length: 10_000 }, () => (random() - 0.5) * 2 ** (random() * 20 - 8));
    const decoded = new Float32Array(values.length + 3);
    decodeHalf(encodeHalf(values), decoded, 3);
    values.forEach((v, i) => {
      const error = Math.abs((decoded[i + 3] as number) - v);
      expect(error).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    });
  });
});
