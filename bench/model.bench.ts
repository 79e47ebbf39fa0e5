import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/main/library';
import { loadBackbone } from '../src/main/model/network/backbone';
import { writeActivationFile } from '../src/main/model/training/activation-file';
import { DEEP_RECIPE, RETRAIN_EPOCHS, trainTop } from '../src/main/model/training/train-top';
import { initBackend } from '../src/main/model/network/tf-backend';
import { HEAD_DEFAULTS, trainHead } from '../src/main/model/training/head';
import { ModelProcess } from '../src/main/model/process/host';
import { readShippedModel, registerModel } from '../src/main/model/artifacts/registry';
import { readTrainingSet } from '../src/main/model/artifacts/training-set';
import { resourcePaths, type ResourcePaths } from '../src/main/resources';
import { currentModel, modelProcessConfig } from '../src/main/triage/model-session';
import { rescore } from '../src/main/triage/ranking';
import { fillLibrary } from '../test/helpers/large-library';

/**
 * The model's figures on this machine: embedding throughput from JPEG (224 px, decoding included) in
 * the model process, head training on the 10,015 shipped HAM10000 embeddings, and re-scoring 100,000
 * embeddings stored in a library (read from SQLite, scored, written back). `npm run bench:model`.
 */

const HAM_IMAGES = path.resolve(__dirname, '..', '..', 'shared', 'data', 'ham10000', 'images');
const EMBED_COUNT = 400;
const RESCORE_COUNT = 100_000;
const TARGETS = { trainSeconds: 10, rescoreSeconds: 2 };
const MB = 2 ** 20;
const DEEP_TARGET = { images: 10_000, minutes: 45 };

async function main(): Promise<number> {
  if (!fs.existsSync(HAM_IMAGES)) {
    console.error(`bench:model needs HAM10000 images in ${HAM_IMAGES} (the project's ../shared/data)`);
    return 2;
  }
  const resources = resourcePaths();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const results: string[] = [];
  let ok = true;
  try {
    const modelProcess = new ModelProcess(
      modelProcessConfig(resources, 'auto', currentModel(undefined, resources)),
    );
    const backend = await modelProcess.backend();
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs; backend ${backend.name} (${backend.reason})`,
    );
    const files = fs.readdirSync(HAM_IMAGES).sort().slice(0, EMBED_COUNT);
    const embedStart = performance.now();
    let embedded = 0;
    await modelProcess.embed(
      files.map((name, i) => ({ imageId: i, path: path.join(HAM_IMAGES, name) })),
      {
        onEmbedded: () => embedded++,
        onImageError: (_i, file, message) => console.error(`${file}: ${message}`),
      },
    );
    const embedSeconds = (performance.now() - embedStart) / 1000;
    modelProcess.close();
    console.log(
      `embedding: ${embedded} HAM10000 JPEGs at 224 px in ${embedSeconds.toFixed(1)} s: ${(embedded / embedSeconds).toFixed(1)} images/s`,
    );

    const set = readTrainingSet(resources.trainingSetDir);
    const n = set.labels.length;
    const trainStart = performance.now();
    const result = trainHead({ x: set.values, n, d: set.dimension, y: set.labels, ...HEAD_DEFAULTS });
    const trainSeconds = (performance.now() - trainStart) / 1000;
    console.log(
      `head training: ${n} labeled embeddings, ${result.curve.length} epochs in ${trainSeconds.toFixed(2)} s`,
    );
    results.push(
      verdict(
        `head training ${trainSeconds.toFixed(2)} s ≤ ${TARGETS.trainSeconds} s`,
        trainSeconds <= TARGETS.trainSeconds,
      ),
    );
    ok &&= trainSeconds <= TARGETS.trainSeconds;

    const deep = await benchDeepRetraining(resources, files);
    results.push(verdict(deep.text, deep.pass));
    ok &&= deep.pass;

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-bench-model-'));
    const library = openLibrary(dir);
    try {
      const shipped = readShippedModel(resources.defaultModelDir);
      // 100,000 images with embeddings: the shipped vectors over and over, as a large clinic's library.
      fillLibrary(library, {
        count: RESCORE_COUNT,
        embeddings: { backbone: shipped.backbone, dimension: set.dimension, values: set.values },
      });
      // As a library that grew over months: its write-ahead log folded into the file.
      library.db.pragma('wal_checkpoint(TRUNCATE)');
      const record = registerModel(library, shipped, 'candidate', resources.defaultModelDir);
      const rescoreStart = performance.now();
      const scored = rescore(library, record, shipped);
      const rescoreSeconds = (performance.now() - rescoreStart) / 1000;
      console.log(
        `re-scoring: ${scored} stored embeddings read, scored and written in ${rescoreSeconds.toFixed(2)} s`,
      );
      results.push(
        verdict(
          `re-scoring ${rescoreSeconds.toFixed(2)} s ≤ ${TARGETS.rescoreSeconds} s`,
          rescoreSeconds <= TARGETS.rescoreSeconds,
        ),
      );
      ok &&= rescoreSeconds <= TARGETS.rescoreSeconds;
    } finally {
      library.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    clearInterval(sampler);
  }
  console.log(
    `peak RSS: ${(peak / MB).toFixed(0)} MB (resourceUsage().maxRSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`,
  );
  for (const line of results) console.log(line);
  return ok ? 0 : 1;
}

/**
 * Deep retraining's two costs on this machine: caching activations at the cut (decoding and the frozen
 * part of the backbone, once per image and augmented copy) and an epoch of fine-tuning the top with the
 * head on them, measured on real images and extrapolated to a clinic's first deep retraining of 10,000
 * labeled images: every copy's activations, computed on two processes where there are two cores, then
 * RETRAIN_EPOCHS epochs.
 */
async function benchDeepRetraining(
  resources: ResourcePaths,
  files: string[],
): Promise<{ text: string; pass: boolean }> {
  const chosen = await initBackend('auto');
  const backbone = await loadBackbone(resources.backboneDir);
  const split = backbone.splitAt(DEEP_RECIPE.cut);
  const cacheStart = performance.now();
  // Cached on disk in half precision, as a clinic's run would: training reads each batch from the file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-bench-activations-'));
  const source = await writeActivationFile(
    split,
    files.map((name) => path.join(HAM_IMAGES, name)),
    path.join(dir, 'activations.f16'),
  );
  const cacheRate = files.length / ((performance.now() - cacheStart) / 1000);
  const bytesPerImage = fs.statSync(source.file).size / files.length;
  console.log(
    `deep retraining, activations at ${DEEP_RECIPE.cut}: ${cacheRate.toFixed(1)} images/s (${chosen.name}); ` +
      `${(bytesPerImage / 1024).toFixed(1)} KB each on disk, ` +
      `${((bytesPerImage * DEEP_TARGET.images) / MB).toFixed(0)} MB for ${DEEP_TARGET.images} images`,
  );

  // Labels do not change the arithmetic; alternate them so both classes are present.
  const labels = Uint8Array.from(files, (_, i) => i % 2);
  const rows = files.map((_, i) => i);
  const epochStart = performance.now();
  await trainTop({
    ...DEEP_RECIPE,
    epochs: 1,
    top: split.top,
    initialWeights: split.weights,
    initialHead: { weights: new Float32Array(backbone.embeddingSize), bias: 0 },
    source,
    labels,
    train: rows,
    validation: rows.slice(0, 64),
    seed: 1,
  });
  const trainRate = files.length / ((performance.now() - epochStart) / 1000);
  source.close();
  fs.rmSync(dir, { recursive: true, force: true });
  backbone.dispose();
  const copies = 1 + DEEP_RECIPE.imageVariants;
  const processes = Math.min(2, os.availableParallelism());
  const minutes =
    ((DEEP_TARGET.images * copies) / (cacheRate * processes) +
      (DEEP_TARGET.images * RETRAIN_EPOCHS) / trainRate) /
    60;
  console.log(
    `deep retraining, fine-tuning: ${trainRate.toFixed(1)} images/s per epoch; ${DEEP_TARGET.images} images, ` +
      `${copies} copies of each on ${processes} processes, ${RETRAIN_EPOCHS} epochs: about ` +
      `${minutes.toFixed(0)} min including the activation cache`,
  );
  return {
    text: `deep retraining of ${DEEP_TARGET.images} images ≈ ${minutes.toFixed(0)} min ≤ ${DEEP_TARGET.minutes} min`,
    pass: minutes <= DEEP_TARGET.minutes,
  };
}

function verdict(text: string, pass: boolean): string {
  return `${pass ? 'PASS' : 'MISS'}  ${text}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
