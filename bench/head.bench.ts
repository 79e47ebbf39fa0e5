import os from 'node:os';
import { predict, trainHead } from '../src/main/model/head';
import { rocAuc } from '../src/main/model/metrics';
import { createRandom, type Random } from '../src/main/model/random';

/**
 * Trains the logistic head on 10,000 synthetic 1280-d embeddings (plus 2,000 for early stopping) and
 * re-scores 100,000 more, in this process, so the memory measured is that of the work. Exits 1 when a
 * target is missed. `node --import tsx bench/head.bench.ts`.
 */

const D = 1280;
const TRAIN = 10_000;
const VALIDATION = 2_000;
const RESCORE = 100_000;
/** Re-scoring reads stored embeddings in chunks, as it would from the library. */
const CHUNK = 10_000;
const POSITIVE_SHARE = 0.1;
/** Mahalanobis distance between the class means: the best possible AUC is Φ(2.5/√2) ≈ 0.96. */
const SEPARATION = 2.5;
const TARGETS = { trainSeconds: 10, rescoreSeconds: 2 };
const MB = 2 ** 20;

/**
 * Two Gaussian classes, 1:9, with a different offset and scale per feature (as real embeddings have) so
 * that standardisation matters.
 */
function makeGenerator(seed: number): (n: number, random: Random) => { x: Float32Array; y: Uint8Array } {
  const setup = createRandom(seed);
  const direction = Float64Array.from({ length: D }, () => setup.normal());
  const norm = Math.hypot(...direction);
  const offset = Float64Array.from({ length: D }, () => 2 * setup.next());
  const scale = Float64Array.from({ length: D }, () => 0.1 + 2 * setup.next());
  return (n, random) => {
    const x = new Float32Array(n * D);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = random.next() < POSITIVE_SHARE ? 1 : 0;
      const shift = (y[i]! * SEPARATION) / norm;
      for (let j = 0; j < D; j++)
        x[i * D + j] = offset[j]! + scale[j]! * (random.normal() + shift * direction[j]!);
    }
    return { x, y };
  };
}

function main(): number {
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
  const generate = makeGenerator(7);
  const random = createRandom(11);
  const train = generate(TRAIN, random);
  const validation = generate(VALIDATION, random);
  const positives = train.y.reduce((sum, label) => sum + label, 0);
  console.log(`data: ${TRAIN} training rows (${positives} positive), ${VALIDATION} validation, d = ${D}`);

  const started = performance.now();
  const result = trainHead({
    ...train,
    n: TRAIN,
    d: D,
    validation: { ...validation, n: VALIDATION },
    seed: 1,
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const auc = rocAuc(predict(result.head, validation.x, VALIDATION), validation.y);
  const last = result.curve[result.curve.length - 1];
  const best = result.curve[result.bestEpoch - 1];
  console.log(`training: ${trainSeconds.toFixed(2)} s`);
  console.log(
    `epochs: ${result.curve.length} run, best ${result.bestEpoch} ` +
      `(${((trainSeconds * 1000) / result.curve.length).toFixed(0)} ms/epoch)`,
  );
  console.log(
    `loss: train ${last?.trainLoss.toFixed(4)}, validation at best ${best?.validationLoss?.toFixed(4)}`,
  );
  console.log(`validation AUC: ${auc.toFixed(4)}`);

  let rescoreMs = 0;
  let checksum = 0;
  for (let done = 0; done < RESCORE; done += CHUNK) {
    const chunk = generate(CHUNK, random);
    const t = performance.now();
    const scores = predict(result.head, chunk.x, CHUNK);
    rescoreMs += performance.now() - t;
    checksum += scores[0]!;
  }
  const rescoreSeconds = rescoreMs / 1000;
  console.log(
    `re-scoring: ${RESCORE} × ${D} in ${rescoreSeconds.toFixed(2)} s (${CHUNK}-row chunks; checksum ${checksum.toFixed(3)})`,
  );
  // maxRSS is in KiB and covers the whole life of the process.
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`peak RSS: ${(peak / MB).toFixed(0)} MB`);

  const verdicts: Array<[string, boolean]> = [
    [
      `training ${trainSeconds.toFixed(2)} s ≤ ${TARGETS.trainSeconds} s`,
      trainSeconds <= TARGETS.trainSeconds,
    ],
    [
      `re-scoring ${rescoreSeconds.toFixed(2)} s ≤ ${TARGETS.rescoreSeconds} s`,
      rescoreSeconds <= TARGETS.rescoreSeconds,
    ],
  ];
  for (const [what, met] of verdicts) console.log(`${met ? 'PASS' : 'MISS'}  ${what}`);
  return verdicts.every(([, met]) => met) ? 0 : 1;
}

process.exitCode = main();
