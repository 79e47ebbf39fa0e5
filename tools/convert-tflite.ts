import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBackbone } from '../src/main/model/network/backbone';
import { initBackend } from '../src/main/model/network/tf-backend';
import { convertTflite } from './convert-tflite/convert';
import { KNOWN_ANSWERS, TOLERANCE, bmpToPng, classifyImages } from './convert-tflite/known-answers';
import type { WeightStorage } from './convert-tflite/weights';

/**
 * `npm run convert:backbone`: converts the ImageNet-pretrained MobileNetV2 from ../shared into
 * resources/backbone/mobilenet_v2/, writes the known-answer PNG fixtures for the tests, then loads the
 * written model the way the product does and checks the known answers. Exits 1 if they are missed.
 *
 * The source is the TF1 uint8 file rather than the TF2 int8 one: its weights are quantized per tensor,
 * which the tfjs weights manifest stores losslessly as uint8 (3.5 MB); the TF2 file's per-channel scales
 * would have to be dequantized to float16 (7 MB). `--source` converts the other one for comparison.
 */

const ROOT = path.resolve(__dirname, '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'models', 'mobilenet_v2');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      source: { type: 'string', default: path.join(SHARED, 'mobilenet_v2_1.0_224_quant.tflite') },
      out: { type: 'string', default: path.join(ROOT, 'resources', 'backbone', 'mobilenet_v2') },
      weights: { type: 'string', default: 'uint8' },
      fixtures: { type: 'string', default: path.join(ROOT, 'test', 'fixtures', 'mobilenet') },
    },
  });
  const storage = values.weights as WeightStorage;
  if (!['uint8', 'float16', 'float32'].includes(storage))
    throw new Error('--weights is uint8, float16 or float32');
  const sourceDir = path.dirname(values.source);
  if (!fs.existsSync(values.source)) {
    console.error(`convert:backbone needs ${values.source} (the project's ../shared/models/mobilenet_v2).`);
    return 2;
  }
  console.log(`backend ${(await initBackend('wasm')).reason}`);

  const files = convertTflite({
    tflite: fs.readFileSync(values.source),
    fileName: path.basename(values.source),
    labels: fs.readFileSync(path.join(sourceDir, 'imagenet_labels.txt'), 'utf8'),
    license: fs.readFileSync(path.join(sourceDir, 'LICENSE'), 'utf8'),
    storage,
  });
  fs.rmSync(values.out, { recursive: true, force: true });
  fs.mkdirSync(values.out, { recursive: true });
  for (const [name, bytes] of files) fs.writeFileSync(path.join(values.out, name), bytes);
  const total = [...files.values()].reduce((sum, b) => sum + b.byteLength, 0);
  console.log(
    `wrote ${files.size} files, ${(total / 1e6).toFixed(2)} MB, to ${path.relative(ROOT, values.out)}`,
  );

  fs.mkdirSync(values.fixtures, { recursive: true });
  const images: Buffer[] = [];
  for (const { image } of KNOWN_ANSWERS) {
    const png = await bmpToPng(fs.readFileSync(path.join(sourceDir, `${image}.bmp`)));
    fs.writeFileSync(path.join(values.fixtures, `${image}.png`), png);
    images.push(png);
  }

  const backbone = await loadBackbone(values.out);
  try {
    console.log(`loaded ${backbone.version}`);
    const predictions = await classifyImages(backbone, images);
    let missed = 0;
    KNOWN_ANSWERS.forEach((expected, i) => {
      const top = predictions[i] ?? [];
      const ok =
        top[0]?.label === expected.label &&
        Math.abs((top[0]?.probability ?? 0) - expected.probability) <= TOLERANCE;
      if (!ok) missed++;
      const list = top.map((p) => `${p.label} ${p.probability.toFixed(4)}`).join(', ');
      console.log(
        `${ok ? 'ok  ' : 'MISS'} ${expected.image}: expected ${expected.label} ≈${expected.probability}; got ${list}`,
      );
    });
    return missed ? 1 : 0;
  } finally {
    backbone.dispose();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 2;
  },
);
