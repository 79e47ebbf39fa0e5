/**
 * `npm run train:default`: the default model shipped in resources/. Embeds every HAM10000 image with the
 * shipped backbone, reports 5-fold lesion-grouped cross-validation, trains the head on all of it, and
 * writes the model, its training embeddings and the model card. Deterministic: fixed seeds, fixed order.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { evaluate, rocAuc } from '../../src/main/model/metrics';
import { groupedKFold } from '../../src/main/model/splits';
import { thresholdForSensitivity } from '../../src/main/model/threshold';
import { ModelProcess } from '../../src/main/model/process/host';
import type { ModelArtifact } from '../../src/main/model/registry';
import { shippedModelFile } from '../../src/main/model/registry';
import { writeTrainingSet } from '../../src/main/model/training-set';
import { resourcePaths } from '../../src/main/resources';
import { embedFiles } from './embed-cache';
import { earlyStoppingSplit, fitHead, scoreRows, SEED, type Dataset } from './fit';
import { inValidationSet, lesionGroup } from '../../src/main/model/validation-set';
import { readHam } from './ham10000';
import { writeModelCard, type FoldResult } from './model-card';

const ROOT = path.resolve(__dirname, '..', '..');
const HAM = path.resolve(ROOT, '..', 'shared', 'data', 'ham10000');
const TARGET_SENSITIVITY = 0.95;
const L2_CANDIDATES = [0.01, 0.1, 0.3, 0.6, 1];
const FOLDS = 5;

async function main(): Promise<void> {
  const resources = resourcePaths(path.join(ROOT, 'resources'));
  const images = readHam(HAM);
  const modelProcess = new ModelProcess({ backboneDir: resources.backboneDir, backend: 'auto' });
  const backend = await modelProcess.backend();
  console.log(`backend: ${backend.name} (${backend.reason}); backbone ${backend.backboneVersion}`);
  const embedded = await embedFiles(
    modelProcess,
    images.map((i) => i.file),
    path.join(ROOT, '.cache'),
  );
  modelProcess.close();
  const data: Dataset = {
    ...embedded,
    labels: Uint8Array.from(images, (i) => (i.melanoma ? 1 : 0)),
    groups: images.map((i) => lesionGroup(i.lesionId)),
  };

  const folds = groupedKFold(
    images.map((image) => ({ group: image.lesionId, positive: image.melanoma })),
    FOLDS,
    SEED,
  );
  let best: { l2: number; folds: FoldResult[]; meanAuc: number } | undefined;
  for (const l2 of L2_CANDIDATES) {
    const results = folds.map((fold, k) => crossValidateFold(data, fold.train, fold.validation, l2, k));
    const meanAuc = results.reduce((s, r) => s + r.auc, 0) / results.length;
    console.log(`l2 ${l2}: ${results.map((r) => r.auc.toFixed(3)).join(' ')} mean AUC ${meanAuc.toFixed(4)}`);
    if (!best || meanAuc > best.meanAuc) best = { l2, folds: results, meanAuc };
  }
  if (!best) throw new Error('no cross-validation ran');

  // The final head stops early on the fixed validation set that every later retraining compares on,
  // so the shipped default is never judged on images it trained on.
  const validation = images.flatMap((image, i) => (inValidationSet(lesionGroup(image.lesionId)) ? [i] : []));
  const held = new Set(validation);
  const train = images.flatMap((_, i) => (held.has(i) ? [] : [i]));
  const result = fitHead(data, train, validation, best.l2);
  const validationScores = scoreRows(data, result.head, validation);
  const validationLabels = Uint8Array.from(validation, (i) => data.labels[i] as number);
  const operating = thresholdForSensitivity(validationScores, validationLabels, {
    target: TARGET_SENSITIVITY,
  });
  const metrics = evaluate(validationScores, validationLabels, operating.threshold);
  const artifact: ModelArtifact = {
    format: 'triage-model-v1',
    // Named by its content: a retrained default is a new version, never mistaken for the old one.
    version: `default-ham10000-${createHash('sha256').update(JSON.stringify(result.head)).digest('hex').slice(0, 12)}`,
    kind: 'head',
    backbone: backend.backboneVersion,
    head: result.head,
    threshold: operating.threshold,
    targetSensitivity: TARGET_SENSITIVITY,
    hyperparameters: { l2: best.l2 },
    metrics: { validation: metrics, learningCurve: result.curve, bestEpoch: result.bestEpoch },
    provenance: {
      parentVersion: null,
      trainedAt: 'HAM10000 (Tschandl et al. 2018), all 10,015 images',
      labelSnapshot: null,
      counts: {
        images: images.length,
        melanomas: images.filter((i) => i.melanoma).length,
        validation: validation.length,
      },
      backend: backend.name,
      seed: SEED,
    },
  };
  fs.mkdirSync(resources.defaultModelDir, { recursive: true });
  fs.writeFileSync(shippedModelFile(resources.defaultModelDir), JSON.stringify(artifact, null, 1) + '\n');
  writeTrainingSet(resources.trainingSetDir, {
    backbone: backend.backboneVersion,
    dimension: data.dimension,
    values: data.values,
    labels: data.labels,
    groups: data.groups,
    names: images.map((i) => i.name),
  });
  writeModelCard(path.join(ROOT, 'docs', 'model-card.md'), {
    artifact,
    l2: best.l2,
    l2Candidates: L2_CANDIDATES,
    folds: best.folds,
    operating,
    validationAuc: metrics.rocAuc ?? NaN,
  });
  console.log(
    `wrote ${artifact.version}: threshold ${operating.threshold.toFixed(4)}, validation AUC ${metrics.rocAuc?.toFixed(4)}`,
  );
}

function crossValidateFold(
  data: Dataset,
  train: number[],
  test: number[],
  l2: number,
  fold: number,
): FoldResult {
  const { train: fitted, validation } = earlyStoppingSplit(data, train);
  const result = fitHead(data, fitted, validation, l2);
  const scores = scoreRows(data, result.head, test);
  const labels = Uint8Array.from(test, (i) => data.labels[i] as number);
  // Threshold from the fold's own early-stopping images, as the product sets it; then measured on the test fold.
  const chosen = thresholdForSensitivity(
    scoreRows(data, result.head, validation),
    Uint8Array.from(validation, (i) => data.labels[i] as number),
    {
      target: TARGET_SENSITIVITY,
    },
  );
  const atChosen = evaluate(scores, labels, chosen.threshold);
  // And the specificity where the test fold itself reaches 95 % sensitivity, the figure papers report.
  const oracle = thresholdForSensitivity(scores, labels, { target: TARGET_SENSITIVITY });
  return {
    fold,
    n: test.length,
    positives: labels.reduce((s, y) => s + y, 0),
    auc: rocAuc(scores, labels),
    specificityAt95: oracle.specificity,
    sensitivityAtChosen: atChosen.sensitivity ?? NaN,
    specificityAtChosen: atChosen.specificity ?? NaN,
    epochs: result.bestEpoch,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
