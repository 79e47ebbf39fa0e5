import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone, type Backbone, type BackboneSplit } from '../../src/main/model/network/backbone';
import {
  openActivationFile,
  openOrWriteActivationFile,
  writeActivationFile,
} from '../../src/main/model/training/activation-file';
import { activationsOf } from '../../src/main/model/network/activations';
import { DEEP_RECIPE } from '../../src/main/model/training/train-top';
import { initBackend } from '../../src/main/model/network/tf-backend';
import { resourcePaths } from '../../src/main/resources';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();
let backbone: Backbone;
let split: BackboneSplit;
const files = fs
  .readdirSync(HAM_FIXTURES)
  .sort()
  .map((name) => path.join(HAM_FIXTURES, name));

beforeAll(async () => {
  await initBackend('wasm');
  backbone = await loadBackbone(resourcePaths().backboneDir);
  split = backbone.splitAt(DEEP_RECIPE.cut);
}, 120_000);

afterAll(() => backbone?.dispose());

describe('activations at the cut in a half-precision file', () => {
  it('reads back the maps of real photographs, in any order, within half precision', async () => {
    const inMemory = await activationsOf(split, files);
    const size = split.shape[0] * split.shape[1] * split.shape[2];
    const file = path.join(tmp(), 'activations.f16');
    const done: number[] = [];
    const stored = await writeActivationFile(split, files, file, (n) => done.push(n));
    try {
      expect(done.at(-1)).toBe(files.length);
      expect(stored.rows).toBe(files.length);
      expect(fs.statSync(file).size).toBe(files.length * size * 2);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['activations.f16']);
      const rows = [3, 0, 2, 1, 3];
      const read = new Float32Array(rows.length * size);
      stored.read(rows, read);
      let largest = 0;
      rows.forEach((row, i) => {
        for (let j = 0; j < size; j++) {
          const expected = inMemory[row * size + j] as number;
          largest = Math.max(largest, Math.abs(expected));
          const error = Math.abs((read[i * size + j] as number) - expected);
          expect(error).toBeLessThanOrEqual(Math.abs(expected) * 2 ** -11 + 1e-7);
        }
      });
      // Real activations, not zeros: the comparison above means something.
      expect(largest).toBeGreaterThan(1);
    } finally {
      stored.close();
    }
  }, 60_000);

  it('keeps a whole file of as many maps and writes one of another size again, in a folder it makes', async () => {
    const file = path.join(tmp(), 'cache', 'activations.f16');
    const some = files.slice(0, 2);
    const size = split.shape[0] * split.shape[1] * split.shape[2];
    const firstBatches: number[] = [];
    const first = await openOrWriteActivationFile(split, some, file, (n) => firstBatches.push(n));
    const written = new Float32Array(some.length * size);
    first.read([0, 1], written);
    first.close();
    expect(firstBatches).toEqual([some.length]);

    // Kept: nothing is computed again, and the maps are the same.
    const keptBatches: number[] = [];
    const kept = await openOrWriteActivationFile(split, some, file, (n) => keptBatches.push(n));
    const read = new Float32Array(some.length * size);
    kept.read([0, 1], read);
    kept.close();
    expect(keptBatches).toEqual([]);
    expect(read).toEqual(written);

    // For another count of files, the file no longer fits and is written again.
    const again = await openOrWriteActivationFile(split, files.slice(0, 1), file);
    expect(again.rows).toBe(1);
    again.close();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['activations.f16']);
  }, 60_000);

  it('refuses a file that does not hold whole maps, naming it, and a map beyond its end', async () => {
    const dir = tmp();
    const file = path.join(dir, 'activations.f16');
    const stored = await writeActivationFile(split, files.slice(0, 1), file);
    const size = split.shape[0] * split.shape[1] * split.shape[2];
    expect(() => stored.read([1], new Float32Array(size))).toThrow(/activations\.f16: no map 1/);
    stored.close();
    fs.truncateSync(file, size * 2 - 6);
    expect(() => openActivationFile(file, split.shape)).toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${size * 2 - 6} bytes are not whole`),
    );
  }, 60_000);
});
