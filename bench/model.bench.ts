import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/main/library';
import { HEAD_DEFAULTS, trainHead } from '../src/main/model/head';
import { ModelProcess } from '../src/main/model/process/host';
import { readShippedModel, registerModel } from '../src/main/model/registry';
import { readTrainingSet } from '../src/main/model/training-set';
import { resourcePaths } from '../src/main/resources';
import { rescore } from '../src/main/triage/ranking';

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
    const modelProcess = new ModelProcess({ backboneDir: resources.backboneDir, backend: 'auto' });
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

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-bench-model-'));
    const library = openLibrary(dir);
    try {
      const shipped = readShippedModel(resources.defaultModelDir);
      fillLibrary(library, set.values, set.dimension, shipped.backbone);
      // As a library that grew over months: its write-ahead log folded into the file.
      library.db.pragma('wal_checkpoint(TRUNCATE)');
      const record = registerModel(library, shipped, 'candidate');
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

/** 100,000 images with embeddings: the shipped vectors over and over, as a large clinic's library. */
function fillLibrary(
  library: ReturnType<typeof openLibrary>,
  values: Float32Array,
  dimension: number,
  backbone: string,
): void {
  const patient = library.patients.ensurePatient('BENCH');
  const study = library.patients.ensureStudy(patient.id, 'bench');
  const rows = values.length / dimension;
  library.transaction(() => {
    for (let i = 0; i < RESCORE_COUNT; i++) {
      const id = library.images.insert({
        studyId: study.id,
        sha256: i.toString(16).padStart(64, '0'),
        originalPath: `/bench/${i}.jpg`,
        originalName: `${i}.jpg`,
        format: 'jpeg',
        width: 200,
        height: 150,
        orientation: null,
        bytes: 1,
        capturedAt: null,
        bodySite: null,
        lesionId: null,
      });
      const row = i % rows;
      library.embeddings.put(id, backbone, values.subarray(row * dimension, (row + 1) * dimension));
    }
  });
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
