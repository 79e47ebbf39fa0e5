import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import type { InputOf } from '../network/activations';
import { INPUT_SIZE, rgbToInput } from '../network/preprocess';
import { createRandom } from './random';

/**
 * Augmented copies of a photograph for deep retraining on cached activations: a small change of scale
 * (a crop) and of colour (brightness, contrast, saturation, a colour cast as from another lamp or
 * camera). Flips and turns need no copy: they are applied to the cached maps (dihedral.ts). Each copy
 * is fixed by (image, variant), so its activations are computed once and a run can be repeated.
 */
export interface ImageVariant {
  /** The part of the photograph kept, as fractions of its width and height. */
  crop: { left: number; top: number; width: number; height: number };
  brightness: number;
  contrast: number;
  saturation: number;
  /** Per-channel gains, R, G, B. */
  gains: [number, number, number];
}

/** How far a variant may stray from the photograph: "small" changes, as dermoscopy varies between sites. */
const LIMITS = { minSide: 0.8, aspect: 0.1, brightness: 0.12, contrast: 0.12, saturation: 0.15, gain: 0.06 };

/** The variant `variant` (1, 2, …) of the image with key `key` (its file name), the same on every run. */
export function imageVariant(key: string, variant: number): ImageVariant {
  const random = createRandom(createHash('sha256').update(`${key}#${variant}`).digest().readUInt32BE(0));
  const around = (spread: number): number => 1 + (2 * random.next() - 1) * spread;
  const side = LIMITS.minSide + (1 - LIMITS.minSide) * random.next();
  const aspect = around(LIMITS.aspect);
  const width = Math.min(1, side * Math.sqrt(aspect));
  const height = Math.min(1, side / Math.sqrt(aspect));
  return {
    crop: { left: (1 - width) * random.next(), top: (1 - height) * random.next(), width, height },
    brightness: around(LIMITS.brightness),
    contrast: around(LIMITS.contrast),
    saturation: around(LIMITS.saturation),
    gains: [around(LIMITS.gain), around(LIMITS.gain), around(LIMITS.gain)],
  };
}

/** The backbone's input for a variant of a photograph: cropped, squashed to 224 px as imageToInput does, recoloured. */
export async function variantToInput(bytes: Buffer, variant: ImageVariant): Promise<Float32Array> {
  const upright = await sharp(bytes, { failOn: 'error' })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const { width, height } = upright.info;
  const left = Math.round(variant.crop.left * width);
  const top = Math.round(variant.crop.top * height);
  const region = {
    left,
    top,
    width: Math.max(1, Math.min(width - left, Math.round(variant.crop.width * width))),
    height: Math.max(1, Math.min(height - top, Math.round(variant.crop.height * height))),
  };
  const { data } = await sharp(upright.data, { raw: { width, height, channels: 3 } })
    .extract(region)
    .resize(INPUT_SIZE, INPUT_SIZE, { fit: 'fill', kernel: 'linear' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return rgbToInput(recoloured(data, variant));
}

/**
 * How the backbone's input is made from an image file for copy `variant`: undefined (imageToInput) for
 * the photograph itself, variant 0; else the copy keyed by the file's name, which a stored image keeps.
 */
export function variantInput(variant: number): InputOf | undefined {
  if (variant === 0) return undefined;
  return (bytes, file) => variantToInput(bytes, imageVariant(path.basename(file), variant));
}

/** What names a copy's file of activations apart from the photograph's: nothing for variant 0. */
export const variantSuffix = (variant: number): string => (variant === 0 ? '' : `-variant${variant}`);

/** Colour changes on 8-bit RGB, about the image's mean grey so that contrast does not shift brightness. */
function recoloured(rgb: Uint8Array, v: ImageVariant): Uint8Array {
  let sum = 0;
  for (let i = 0; i < rgb.length; i++) sum += rgb[i] as number;
  const mean = sum / rgb.length;
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const grey = 0.299 * (rgb[i] as number) + 0.587 * (rgb[i + 1] as number) + 0.114 * (rgb[i + 2] as number);
    for (let c = 0; c < 3; c++) {
      const saturated = grey + ((rgb[i + c] as number) - grey) * v.saturation;
      const contrasted = mean + (saturated - mean) * v.contrast;
      out[i + c] = clampByte(contrasted * v.brightness * v.gains[c]!);
    }
  }
  return out;
}

const clampByte = (x: number): number => (x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x));
