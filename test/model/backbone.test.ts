import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDING_SIZE, loadBackbone, toBatch, type Backbone } from '../../src/main/model/network/backbone';
import { fileSystemHandler } from '../../src/main/model/network/fs-io-handler';
import { imageToInput } from '../../src/main/model/network/preprocess';
import { BACKEND_ENV, initBackend } from '../../src/main/model/network/tf-backend';
import { KNOWN_ANSWERS, TOLERANCE, classifyImages } from '../../tools/convert-tflite/known-answers';

/**
 * The shipped backbone (resources/, never ../shared) on the wasm backend, through the product's own
 * preprocessing. On this build the known answers come out as Egyptian cat p = 0.7793 and chickadee
 * p = 0.9813 (TFLite reference: 0.79 and 0.98).
 */

const ROOT = path.resolve(__dirname, '..', '..');
const BACKBONE_DIR = path.join(ROOT, 'resources', 'backbone', 'mobilenet_v2');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'mobilenet');
const image = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, `${name}.png`));

let backbone: Backbone;
let tensorsBefore: number;

beforeAll(async () => {
  // wasm, the backend every install has, unless TRIAGE_BACKEND asks to prove another one.
  const wanted = process.env[BACKEND_ENV]?.trim() || 'wasm';
  expect((await initBackend('wasm')).name).toBe(wanted);
  tensorsBefore = tf.memory().numTensors;
  backbone = await loadBackbone(BACKBONE_DIR);
}, 120_000);

afterAll(() => backbone?.dispose());

describe('converted MobileNetV2 backbone', () => {
  it('gives the TFLite known answers within 0.02', async () => {
    const predictions = await classifyImages(
      backbone,
      KNOWN_ANSWERS.map((k) => image(k.image)),
    );
    KNOWN_ANSWERS.forEach((expected, i) => {
      const top = predictions[i]?.[0];
      expect(top?.label).toBe(expected.label);
      expect(Math.abs((top?.probability ?? 0) - expected.probability)).toBeLessThanOrEqual(TOLERANCE);
    });
  }, 120_000);

  it('names its version after the source file and its hash', () => {
    expect(backbone.version).toMatch(/^mobilenet_v2-1\.0-224-quant@[0-9a-f]{12}$/);
    expect(backbone.inputSize).toBe(224);
    expect(backbone.labels).toHaveLength(1001);
  });

  it('embeds an image as a deterministic 1280-d vector, the mean of the 7×7×1280 feature map', async () => {
    const input = await imageToInput(image('cat'));
    const batch = toBatch([input, input]);
    try {
      const [first, again, map] = [backbone.embed(batch), backbone.embed(batch), backbone.featureMap(batch)];
      expect(first.shape).toEqual([2, EMBEDDING_SIZE]);
      expect(map.shape).toEqual([2, 7, 7, EMBEDDING_SIZE]);
      const rows = (await first.array()) as number[][];
      expect(rows[1]).toEqual(rows[0]);
      expect(await again.data()).toEqual(await first.data());
      const mean = tf.tidy(() => map.mean([1, 2]));
      const diff = tf.tidy(() => mean.sub(first).abs().max());
      expect((await diff.data())[0]).toBeLessThan(1e-5);
      // ReLU6 features: a non-trivial, bounded embedding, not a zero vector.
      expect(Math.max(...(rows[0] ?? []))).toBeGreaterThan(0.5);
      expect(Math.min(...(rows[0] ?? []))).toBeGreaterThanOrEqual(0);
      tf.dispose([first, again, map, mean, diff]);
    } finally {
      batch.dispose();
    }
  }, 120_000);

  it('runs the same network with fused kernels as the layers model computes layer by layer', async () => {
    const model = await tf.loadLayersModel(fileSystemHandler(path.join(BACKBONE_DIR, 'model.json')));
    const batch = toBatch([await imageToInput(image('cat')), await imageToInput(image('bird'))]);
    try {
      const pool = model.getLayer('global_average_pool');
      const layered = tf.model({ inputs: model.inputs, outputs: pool.output as tf.SymbolicTensor });
      const [fused, reference, fusedClasses, referenceClasses] = [
        backbone.embed(batch),
        layered.predict(batch) as tf.Tensor,
        backbone.classify(batch),
        model.predict(batch) as tf.Tensor,
      ];
      const gap = (a: tf.Tensor, b: tf.Tensor): number =>
        tf.tidy(() => a.sub(b).abs().max().dataSync()[0] as number);
      expect(gap(fused, reference)).toBeLessThan(1e-4);
      expect(gap(fusedClasses, referenceClasses)).toBeLessThan(1e-5);
      tf.dispose([fused, reference, fusedClasses, referenceClasses]);
    } finally {
      batch.dispose();
      model.dispose();
    }
  }, 120_000);

  it('rejects a batch of the wrong size', () => {
    const wrong = tf.zeros([1, 112, 112, 3]) as tf.Tensor4D;
    expect(() => backbone.embed(wrong)).toThrow(/\[N, 224, 224, 3\]/);
    wrong.dispose();
  });

  it('releases every tensor it loaded when disposed', async () => {
    const other = await loadBackbone(BACKBONE_DIR);
    const loaded = tf.memory().numTensors;
    other.dispose();
    expect(tf.memory().numTensors).toBeLessThan(loaded);
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    backbone = await loadBackbone(BACKBONE_DIR);
  }, 120_000);
});

describe('imageToInput', () => {
  const pixel = (input: Float32Array, x: number, y: number): number[] =>
    [0, 1, 2].map((c) => Math.round((input[(y * 224 + x) * 3 + c] ?? 0) * 128 + 128));

  it('turns any photo into 224×224 RGB scaled to (p − 128) / 128', async () => {
    const grey = await sharp(Buffer.alloc(50 * 30, 200), { raw: { width: 50, height: 30, channels: 1 } })
      .png()
      .toBuffer();
    const rgba = await sharp({
      create: { width: 300, height: 200, channels: 4, background: { r: 255, g: 0, b: 64, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const fromGrey = await imageToInput(grey);
    const fromRgba = await imageToInput(rgba);
    expect(fromGrey).toHaveLength(224 * 224 * 3);
    expect(pixel(fromGrey, 100, 100)).toEqual([200, 200, 200]);
    // Alpha is dropped, not blended; resizing premultiplied colour may move a channel by one level.
    pixel(fromRgba, 10, 10).forEach((v, c) => expect(Math.abs(v - [255, 0, 64][c]!)).toBeLessThanOrEqual(1));
    expect(fromRgba.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(-1);
    expect(fromRgba.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
  });

  it('applies EXIF orientation, so a sideways phone photo reaches the model upright', async () => {
    // Left half red, right half blue, stored rotated with orientation 6 (display: rotate 90° clockwise).
    const upright = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
      .composite([
        {
          input: { create: { width: 20, height: 20, channels: 3, background: '#0000ff' } },
          left: 20,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const stored = await sharp(upright)
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toBuffer();
    const input = await imageToInput(stored);
    expect(pixel(input, 30, 112)[0]).toBeGreaterThan(200);
    expect(pixel(input, 190, 112)[2]).toBeGreaterThan(200);
  });
});
