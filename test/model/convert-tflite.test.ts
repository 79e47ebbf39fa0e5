import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/model/network/tf-backend';
import { decodeBmp } from '../../tools/convert-tflite/bmp';
import { convertTflite, type ConvertInput } from '../../tools/convert-tflite/convert';
import { bmpToPng } from '../../tools/convert-tflite/known-answers';
import { float16Bits, transpose } from '../../tools/convert-tflite/weights';

/**
 * The converter, run on the real source: deterministic, and what it writes is what resources/ ships.
 * The source lives only in ../shared, so this test needs it and says so rather than skipping.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIR = path.resolve(ROOT, '..', 'shared', 'models', 'mobilenet_v2');
const SOURCE = path.join(SOURCE_DIR, 'mobilenet_v2_1.0_224_quant.tflite');
const SHIPPED = path.join(ROOT, 'resources', 'backbone', 'mobilenet_v2');

function requireSource(): string {
  if (!fs.existsSync(SOURCE)) {
    throw new Error(
      `the converter test needs ${SOURCE} (the project's read-only ../shared/models/mobilenet_v2)`,
    );
  }
  return SOURCE_DIR;
}

function sourceInput(): ConvertInput {
  requireSource();
  return {
    tflite: fs.readFileSync(SOURCE),
    fileName: path.basename(SOURCE),
    labels: fs.readFileSync(path.join(SOURCE_DIR, 'imagenet_labels.txt'), 'utf8'),
    license: fs.readFileSync(path.join(SOURCE_DIR, 'LICENSE'), 'utf8'),
  };
}

beforeAll(async () => {
  // Building the graph allocates (unused) initial weights; wasm keeps tfjs's cpu-backend banner quiet.
  await initBackend('wasm');
});

describe('TFLite converter', () => {
  it('gives byte-identical output twice, equal to what resources/ ships', () => {
    const input = sourceInput();
    const first = convertTflite(input);
    const second = convertTflite(input);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, bytes] of first) {
      expect(second.get(name)?.equals(bytes), `${name} differs between runs`).toBe(true);
      const shipped = fs.readFileSync(path.join(SHIPPED, name));
      expect(shipped.equals(bytes), `resources/ ${name} is stale: run npm run convert:backbone`).toBe(true);
    }
    expect(fs.readdirSync(SHIPPED).sort()).toEqual([...first.keys()].sort());
  }, 180_000);

  it('ships the known-answer fixtures as the lossless PNG of the reference BMPs', async () => {
    for (const name of ['cat', 'bird']) {
      const bmp = fs.readFileSync(path.join(requireSource(), `${name}.bmp`));
      const png = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'mobilenet', `${name}.png`));
      expect(png.equals(await bmpToPng(bmp)), `${name}.png is stale: run npm run convert:backbone`).toBe(
        true,
      );
    }
    expect(decodeBmp(fs.readFileSync(path.join(SOURCE_DIR, 'cat.bmp')))).toMatchObject({
      width: 512,
      height: 341,
    });
  });

  it('pads stride-2 SAME convolutions as TFLite does: the extra row and column at the bottom right', () => {
    const info = tf.backend_util.computeConv2DInfo([1, 112, 112, 96], [3, 3, 96, 1], 2, 1, 'same');
    expect(info.padInfo).toMatchObject({ top: 0, bottom: 1, left: 0, right: 1 });
    expect([info.outHeight, info.outWidth]).toEqual([56, 56]);
  });

  it('encodes float16 with round-to-nearest-even, as tfjs decodes it', () => {
    const values = Float32Array.from([1, -2, 65504, 1e6, 2 ** -24, 2 ** -26, 1 + 2 ** -11, 1 + 3 * 2 ** -11]);
    expect([...float16Bits(values)]).toEqual([
      0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x3c00, 0x3c02,
    ]);
  });

  it('transposes TFLite OHWI kernels to tfjs HWIO', () => {
    // shape [O=2, H=1, W=1, I=3]: o*3 + i
    const ohwi = Float32Array.from([0, 1, 2, 10, 11, 12]);
    expect([...transpose(ohwi, [2, 1, 1, 3], [1, 2, 3, 0])]).toEqual([0, 10, 1, 11, 2, 12]);
  });
});
