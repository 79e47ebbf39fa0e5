import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TopWeight } from './trainable-top';

/**
 * A fine-tuned top of the backbone on disk (names as in ../README.md): the top file, its float32 weights
 * beside the model's JSON, and the top manifest (cut layer, names, shapes, content hash), the `top` field
 * of that JSON. The hash names the top, so embeddings computed through it are cached under a backbone
 * version (the topped version) no other top shares.
 */
export const topManifestSchema = z.object({
  /** The layer the top starts after; everything up to it is the shipped backbone, unchanged. */
  cut: z.string().min(1),
  file: z.string().regex(/^[\w.-]+$/),
  /** First 12 hex of the SHA-256 of the file. */
  id: z.string().regex(/^[0-9a-f]{12}$/),
  weights: z.array(z.object({ name: z.string().min(1), shape: z.array(z.number().int().positive()) })),
  /**
   * Flips and turns of the activations at the cut (see dihedral.ts; 0 is the map as it is) whose
   * embeddings are averaged into the image's one embedding; absent means the map as it is only.
   */
  testTransforms: z.array(z.number().int().min(0).max(7)).min(1).optional(),
});
export type TopManifest = z.infer<typeof topManifestSchema>;

/** Where a fine-tuned top is: the folder of its top file, and its manifest. */
export interface TopLocation {
  dir: string;
  manifest: TopManifest;
}

export const TOP_FILE = 'top.bin';

export function topBytes(weights: readonly TopWeight[]): Buffer {
  return Buffer.concat(
    weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength)),
  );
}

export function topManifest(
  cut: string,
  weights: readonly TopWeight[],
  testTransforms?: readonly number[],
): TopManifest {
  return {
    cut,
    file: TOP_FILE,
    id: createHash('sha256').update(topBytes(weights)).digest('hex').slice(0, 12),
    weights: weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
    ...(testTransforms && { testTransforms: [...testTransforms] }),
  };
}

/** Reads a top's weights and checks them against its manifest: size and hash must both agree. */
export function readTopWeights(dir: string, manifest: TopManifest): TopWeight[] {
  const file = path.join(dir, manifest.file);
  const bytes = fs.readFileSync(file);
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  if (id !== manifest.id)
    throw new Error(`${file}: content does not match the model (hash ${id}, expected ${manifest.id})`);
  const weights: TopWeight[] = [];
  let offset = 0;
  for (const { name, shape } of manifest.weights) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > bytes.length) throw new Error(`${file}: too short for ${name}`);
    const values = new Float32Array(count);
    Buffer.from(values.buffer).set(bytes.subarray(offset, offset + count * 4));
    weights.push({ name, shape, values });
    offset += count * 4;
  }
  if (offset !== bytes.length)
    throw new Error(`${file}: ${bytes.length - offset} bytes more than the model names`);
  return weights;
}

/**
 * The topped version: the backbone version of embeddings computed through a fine-tuned top, the base
 * version plus the top's id, and the averaged transforms where there are any, since those change every
 * embedding too.
 */
export function toppedVersion(
  baseVersion: string,
  manifest: Pick<TopManifest, 'id' | 'testTransforms'> | undefined,
): string {
  if (!manifest) return baseVersion;
  const transforms = manifest.testTransforms;
  const averaged = transforms && transforms.join('') !== '0' ? `+tta-${transforms.join('')}` : '';
  return `${baseVersion}+top-${manifest.id}${averaged}`;
}
