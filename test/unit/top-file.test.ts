import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readTopWeights,
  TOP_FILE,
  topBytes,
  topManifest,
  toppedVersion,
} from '../../src/main/model/network/top-file';
import type { TopWeight } from '../../src/main/model/network/trainable-top';
import { useTempDirs } from '../helpers/temp-dirs';

const weights: TopWeight[] = [
  { name: 'conv/kernel', shape: [1, 1, 2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  { name: 'conv/bias', shape: [3], values: Float32Array.from([0.5, -0.5, 0]) },
];

describe('fine-tuned top on disk', () => {
  const tempDir = useTempDirs();

  it('reads back what was written, and names the top by its content', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, TOP_FILE), topBytes(weights));
    const manifest = topManifest('cut_layer', weights);
    expect(readTopWeights(dir, manifest)).toEqual(weights);
    expect(toppedVersion('net@abc', manifest)).toBe(`net@abc+top-${manifest.id}`);
    expect(toppedVersion('net@abc', undefined)).toBe('net@abc');
    const changed = [weights[0]!, { ...weights[1]!, values: Float32Array.from([0.5, -0.5, 1e-6]) }];
    expect(topManifest('cut_layer', changed).id).not.toBe(manifest.id);
  });

  it('refuses a damaged or mismatched file, naming it', () => {
    const dir = tempDir();
    const file = path.join(dir, TOP_FILE);
    const manifest = topManifest('cut_layer', weights);
    const bytes = topBytes(weights);
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.from([1]), bytes.subarray(9)]));
    expect(() => readTopWeights(dir, manifest)).toThrow(`${file}: content does not match`);
    // Right hash, wrong shapes: more bytes than the manifest names.
    fs.writeFileSync(file, bytes);
    const short = { ...manifest, weights: [manifest.weights[0]!] };
    expect(() => readTopWeights(dir, short)).toThrow(/12 bytes more than the model names/);
    fs.rmSync(file);
    expect(() => readTopWeights(dir, manifest)).toThrow(/ENOENT/);
  });
});
