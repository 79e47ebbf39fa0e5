/**
 * Activations at the cut kept on disk in half precision, one map after another: at the 7×7 stage
 * 10,000 images take 157 MB of disk instead of 314 MB of memory, and training reads only the maps of the
 * batch in hand, so its memory stays the same however many images there are. The one format of cached
 * activations: deep retraining in the app and the CLI, npm run train:default and bench:model all use it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackboneSplit } from '../network/backbone';
import { forEachActivationBatch, type InputOf } from '../network/activations';
import { decodeHalf, encodeHalf } from './float16';
import type { ActivationSource } from './activation-source';

type Shape = readonly [number, number, number];

export interface ActivationFile extends ActivationSource {
  readonly file: string;
  readonly rows: number;
  close(): void;
}

/**
 * Writes the activations of `files` to `file` (through a temporary name, so it is whole or absent) and
 * opens it.
 */
export async function writeActivationFile(
  split: BackboneSplit,
  files: readonly string[],
  file: string,
  onBatch?: (done: number) => void,
  signal?: AbortSignal,
  toInput?: InputOf,
): Promise<ActivationFile> {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    await forEachActivationBatch(
      split,
      files,
      (maps, start) => {
        const bits = encodeHalf(maps);
        fs.writeSync(fd, bits, 0, bits.byteLength, start * size * 2);
        onBatch?.(start + maps.length / size);
      },
      signal,
      toInput,
    );
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(temporary, file);
  return openActivationFile(file, split.shape);
}

/**
 * The activations of `files` in `file`, opened: a whole file of as many maps already there (an earlier
 * run's, or another process's, since files appear whole) is kept, else it is written, its folder made.
 */
export async function openOrWriteActivationFile(
  split: BackboneSplit,
  files: readonly string[],
  file: string,
  onBatch?: (done: number) => void,
  signal?: AbortSignal,
  toInput?: InputOf,
): Promise<ActivationFile> {
  const mapBytes = split.shape[0] * split.shape[1] * split.shape[2] * 2;
  if (fs.existsSync(file) && fs.statSync(file).size === mapBytes * files.length)
    return openActivationFile(file, split.shape);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return writeActivationFile(split, files, file, onBatch, signal, toInput);
}

/** Opens a file written by writeActivationFile, whose maps have `shape`. */
export function openActivationFile(file: string, shape: Shape): ActivationFile {
  const size = shape[0] * shape[1] * shape[2];
  const bytes = fs.statSync(file).size;
  if (bytes % (size * 2) !== 0) {
    throw new Error(`${file}: ${bytes} bytes are not whole ${shape.join('×')} half-precision maps`);
  }
  const fd = fs.openSync(file, 'r');
  const row = new Uint16Array(size);
  return {
    file,
    shape,
    rows: bytes / (size * 2),
    read: (rows, target) => {
      rows.forEach((r, i) => {
        const read = fs.readSync(fd, row, 0, row.byteLength, r * size * 2);
        if (read !== row.byteLength) throw new Error(`${file}: no map ${r}`);
        decodeHalf(row, target, i * size);
      });
    },
    close: () => fs.closeSync(fd),
  };
}
