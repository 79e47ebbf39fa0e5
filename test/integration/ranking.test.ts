import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../src/main/library';
import { importFolders } from '../../src/main/importer/import-folders';
import { importGroundTruth } from '../../src/main/importer/ground-truth';
import { ModelProcess } from '../../src/main/model/process/host';
import { readShippedModel } from '../../src/main/model/artifacts/registry';
import { resourcePaths } from '../../src/main/resources';
import { currentModel, modelProcessConfig } from '../../src/main/triage/model-session';
import { rankLibrary } from '../../src/main/triage/ranking';
import { retrainHead } from '../../src/main/triage/retrain';
import { inspectLibrary } from '../helpers/library-checks';
import { activatePoorModel } from '../helpers/models';
import { requireSharedHam } from '../helpers/temp-dirs';

const resources = resourcePaths();

/**
 * A library of HAM10000 images: every 40th with its label from labels.csv, and every 40th from the 20th on
 * without one, ranked by the shipped default model.
 */
describe('ranking and retraining', () => {
  let root = '';
  let dataDir = '';
  let library: Library;
  let modelProcess: ModelProcess;
  let labeled = 0;
  let unlabeled = 0;

  beforeAll(async () => {
    const ham = requireSharedHam();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-rank-'));
    dataDir = path.join(root, 'library');
    const names = fs.readdirSync(path.join(ham, 'images')).sort();
    const copy = (folder: string, offset: number): string => {
      const dir = path.join(root, folder);
      fs.mkdirSync(dir);
      for (const name of names.filter((_, i) => i % 40 === offset)) {
        fs.copyFileSync(path.join(ham, 'images', name), path.join(dir, name));
      }
      return dir;
    };
    library = openLibrary(dataDir);
    labeled = (await importFolders(library, { folders: [copy('labeled', 0)], patient: 'P-1', actor: 'test' }))
      .imported;
    expect(importGroundTruth(library, path.join(ham, 'labels.csv'), 'test').added).toBe(labeled);
    unlabeled = (await importFolders(library, { folders: [copy('new', 20)], patient: 'P-2', actor: 'test' }))
      .imported;
    modelProcess = new ModelProcess(
      modelProcessConfig(resources, 'wasm', currentModel(undefined, resources)),
    );
  }, 300_000);

  afterAll(() => {
    modelProcess?.close();
    library?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('embeds every image once, scores it with the shipped default model, and ranks the queue', async () => {
    const total = labeled + unlabeled;
    const first = await rankLibrary(library, modelProcess, resources.defaultModelDir);
    const shipped = readShippedModel(resources.defaultModelDir);
    expect(first).toMatchObject({ model: shipped.version, embedded: total, failed: [], scored: total });
    const again = await rankLibrary(library, modelProcess, resources.defaultModelDir);
    expect(again).toMatchObject({ embedded: 0, scored: total });

    const active = library.models.active();
    expect(active?.version).toBe(shipped.version);
    const queue = library.predictions.queue({
      modelId: active?.id as number,
      threshold: shipped.threshold,
      order: 'probability',
      limit: 10_000,
    });
    expect(queue).toHaveLength(total);
    const probabilities = queue.map((e) => e.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(queue.every((e) => e.suspicious === e.probability >= shipped.threshold)).toBe(true);
    // Melanomas rank above the rest on average: the ranking carries signal.
    const meanRank = (melanoma: boolean): number => {
      const ranks = queue.flatMap((e, i) => (e.melanoma === melanoma ? [i] : []));
      return ranks.reduce((s, r) => s + r, 0) / ranks.length;
    };
    expect(meanRank(true)).toBeLessThan(meanRank(false));
    const patient2 = library.predictions.queue({
      modelId: active?.id as number,
      threshold: shipped.threshold,
      order: 'probability',
      limit: 10_000,
      patient: 'P-2',
    });
    expect(patient2).toHaveLength(unlabeled);
  }, 300_000);

  it('orders "label next" by how unsure the model is, among unlabeled images only', () => {
    const active = library.models.active();
    if (!active) throw new Error('no active model');
    const next = library.predictions.queue({
      modelId: active.id,
      threshold: active.threshold,
      order: 'uncertainty',
      labeled: false,
      limit: 10_000,
    });
    expect(next).toHaveLength(unlabeled);
    expect(next.every((e) => e.melanoma === null && e.patient === 'P-2')).toBe(true);
    const logit = (p: number): number => Math.log(p / (1 - p));
    const distance = next.map((e) => Math.abs(logit(e.probability) - logit(active.threshold)));
    for (let i = 1; i < distance.length; i++) {
      expect(distance[i] as number).toBeGreaterThanOrEqual((distance[i - 1] as number) - 1e-9);
    }
  });

  it('promotes a better candidate, re-scores, and rolls back', async () => {
    activatePoorModel(library, resources.defaultModelDir);

    const report = await retrainHead(library, modelProcess, resources, { actor: 'test' });
    expect(report.parent).toBe('poor-reversed');
    expect(report.promoted).toBe(true);
    expect(report.candidateAuc).toBeGreaterThan(report.activeAuc);
    expect(report.decision).toMatch(/^promoted: validation AUC/);
    expect((report.counts.localTrain ?? 0) + (report.counts.localValidation ?? 0)).toBe(labeled);
    const active = library.models.active();
    expect(active).toMatchObject({ version: report.candidate, parentVersion: 'poor-reversed' });
    expect(active?.provenance).toMatchObject({ parentVersion: 'poor-reversed', backend: 'wasm', seed: 7 });
    const scored = library.db
      .prepare('SELECT count(*) FROM predictions WHERE model_id = ?')
      .pluck()
      .get(active?.id) as number;
    expect(scored).toBe(labeled + unlabeled);

    library.models.activate('poor-reversed');
    expect(library.models.active()?.version).toBe('poor-reversed');
    expect(library.models.byVersion(report.candidate)?.status).toBe('retired');
    library.models.activate(report.candidate);
  }, 300_000);

  it('keeps a candidate that is not better as rejected, with its report, and the active model as it was', async () => {
    const before = library.models.active();
    library.settings.set('promotionTolerance', -0.5);
    try {
      const report = await retrainHead(library, modelProcess, resources, { actor: 'test' });
      expect(report.promoted).toBe(false);
      expect(report.decision).toMatch(/^rejected: validation AUC .* by more than the tolerance -0.5$/);
      expect(library.models.byVersion(report.candidate)).toMatchObject({ status: 'rejected' });
      expect(library.models.active()?.version).toBe(before?.version);
    } finally {
      library.settings.set('promotionTolerance', 0.005);
    }
    expect(inspectLibrary(dataDir).integrity).toBe('ok');
  }, 300_000);
});
