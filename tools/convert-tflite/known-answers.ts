import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { toBatch, type Backbone } from '../../src/main/model/network/backbone';
import { imageToInput } from '../../src/main/model/network/preprocess';
import { decodeBmp } from './bmp';

/**
 * The conversion's proof: the TFLite reference classifies these images so (SOURCES.md beside the
 * source model), and a faithful float conversion must agree to within 0.02.
 */
export const KNOWN_ANSWERS = [
  { image: 'cat', label: 'Egyptian cat', probability: 0.79 },
  { image: 'bird', label: 'chickadee', probability: 0.98 },
] as const;
export const TOLERANCE = 0.02;

export interface Prediction {
  label: string;
  probability: number;
}

/** The reference images are BMP; a lossless PNG of the same pixels is what tests and the product read. */
export async function bmpToPng(bmp: Uint8Array): Promise<Buffer> {
  const { width, height, rgb } = decodeBmp(bmp);
  // Fixed options so the same pixels always give the same PNG bytes.
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false })
    .toBuffer();
}

/** Top-k classes of each image, through the product's own preprocessing. */
export async function classifyImages(backbone: Backbone, images: Buffer[], k = 5): Promise<Prediction[][]> {
  const batch = toBatch(await Promise.all(images.map(imageToInput)));
  try {
    const probabilities = tf.tidy(() => backbone.classify(batch));
    const rows = (await probabilities.array()) as number[][];
    probabilities.dispose();
    return rows.map((row) =>
      row
        .map((probability, i) => ({ label: backbone.labels[i] ?? `#${i}`, probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, k),
    );
  } finally {
    batch.dispose();
  }
}
