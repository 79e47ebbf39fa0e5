import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  imageVariant,
  variantToInput,
  type ImageVariant,
} from '../../src/main/model/training/image-variants';
import { imageToInput, INPUT_SIZE } from '../../src/main/model/network/preprocess';
import { HAM_FIXTURES } from '../helpers/temp-dirs';

const photograph = (): Buffer => {
  const name = fs.readdirSync(HAM_FIXTURES).sort()[0] as string;
  return fs.readFileSync(path.join(HAM_FIXTURES, name));
};

const NEUTRAL: ImageVariant = {
  crop: { left: 0, top: 0, width: 1, height: 1 },
  brightness: 1,
  contrast: 1,
  saturation: 1,
  gains: [1, 1, 1],
};

const meanOf = (x: Float32Array, channel: number): number => {
  let sum = 0;
  for (let i = channel; i < x.length; i += 3) sum += x[i] as number;
  return sum / (x.length / 3);
};

describe('augmented copies of a photograph', () => {
  it('are fixed by the image and the variant, and differ between variants and images', () => {
    expect(imageVariant('ISIC_1.jpg', 1)).toEqual(imageVariant('ISIC_1.jpg', 1));
    expect(imageVariant('ISIC_1.jpg', 1)).not.toEqual(imageVariant('ISIC_1.jpg', 2));
    expect(imageVariant('ISIC_1.jpg', 1)).not.toEqual(imageVariant('ISIC_2.jpg', 1));
  });

  it('stay small: a crop of at least 80 % of each side, inside the photograph, colour within 15 %', () => {
    for (let k = 0; k < 500; k++) {
      const v = imageVariant(`image-${k}.jpg`, 1 + (k % 4));
      const { left, top, width, height } = v.crop;
      expect(Math.min(width, height)).toBeGreaterThanOrEqual(0.8 * 0.95);
      expect(left).toBeGreaterThanOrEqual(0);
      expect(top).toBeGreaterThanOrEqual(0);
      expect(left + width).toBeLessThanOrEqual(1 + 1e-9);
      expect(top + height).toBeLessThanOrEqual(1 + 1e-9);
      for (const factor of [v.brightness, v.contrast, v.saturation, ...v.gains]) {
        expect(Math.abs(factor - 1)).toBeLessThanOrEqual(0.15);
      }
    }
  });

  it('without a change, give the input the photograph itself gives', async () => {
    const bytes = photograph();
    const plain = await imageToInput(bytes);
    const copy = await variantToInput(bytes, NEUTRAL);
    expect(copy.length).toBe(INPUT_SIZE * INPUT_SIZE * 3);
    let worst = 0;
    copy.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - (plain[i] as number)))));
    // One step of 8 bits at most: the two decode the same pixels through different sharp pipelines.
    expect(worst).toBeLessThanOrEqual(1 / 128 + 1e-6);
  });

  it('brighten, recolour and crop the photograph as the variant says', async () => {
    const bytes = photograph();
    const plain = await variantToInput(bytes, NEUTRAL);
    const brighter = await variantToInput(bytes, { ...NEUTRAL, brightness: 1.1 });
    const redder = await variantToInput(bytes, { ...NEUTRAL, gains: [1.1, 1, 1] });
    const cropped = await variantToInput(bytes, {
      ...NEUTRAL,
      crop: { left: 0.1, top: 0.1, width: 0.8, height: 0.8 },
    });
    for (const c of [0, 1, 2]) expect(meanOf(brighter, c)).toBeGreaterThan(meanOf(plain, c));
    expect(meanOf(redder, 0)).toBeGreaterThan(meanOf(plain, 0));
    expect(meanOf(redder, 1)).toBeCloseTo(meanOf(plain, 1), 6);
    expect(cropped.length).toBe(plain.length);
    expect(cropped).not.toEqual(plain);
  });
});
