import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importGroundTruth } from '../../src/main/importer/ground-truth';
import { importFolders } from '../../src/main/importer/import-folders';
import { openLibrary, type Library } from '../../src/main/library';
import { readTopWeights } from '../../src/main/model/network/top-file';
import { DEEP_RECIPE } from '../../src/main/model/training/train-top';
import { ModelProcess } from '../../src/main/model/process/host';
import {
  activeModel,
  modelDir,
  readShippedModel,
  trainingSetDirOf,
} from '../../src/main/model/artifacts/registry';
import { readTrainingSet } from '../../src/main/model/artifacts/training-set';
import type { ResourcePaths } from '../../src/main/resources';
import { retrainDeep } from '../../src/main/triage/deep-retrain';
import { currentModel, modelProcessConfig } from '../../src/main/triage/model-session';
import { rankLibrary } from '../../src/main/triage/ranking';
import { retrainHead } from '../../src/main/triage/retrain';
import { inspectLibrary } from '../helpers/library-checks';
import { activatePoorModel } from '../helpers/models';
import { requireSharedHam } from '../helpers/temp-dirs';
import { smallResources } from '../helpers/small-resources';

/** One short epoch: what is tested is the plumbing around training, not what it reaches. */
const RECIPE = { epochs: 1, patience: 1 };

describe('deep retraining', () => {
  let root = '';
  let dataDir = '';
  let resources: ResourcePaths;
  let library: Library;
  let modelProcess: ModelProcess;
  let images = 0;

  beforeAll(async () => {
    const ham = requireSharedHam();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-deep-'));
    dataDir = path.join(root, 'library');
    resources = smallResources(root);
    const names = fs.readdirSync(path.join(ham, 'images')).sort();
    const folder = path.join(root, 'photos');
    fs.mkdirSync(folder);
    for (const name of names.filter((_, i) => i % 150 === 3)) {
      fs.copyFileSync(path.join(ham, 'images', name), path.join(folder, name));
    }
    library = openLibrary(dataDir);
    images = (await importFolders(library, { folders: [folder], patient: 'P-1', actor: 'test' })).imported;
    expect(importGroundTruth(library, path.join(ham, 'labels.csv'), 'test').added).toBe(images);
    modelProcess = new ModelProcess(modelProcessConfig(resources, 'wasm', currentModel(library, resources)));
    await rankLibrary(library, modelProcess, resources.defaultModelDir);
  }, 300_000);

  afterAll(() => {
    modelProcess?.close();
    library?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('fine-tunes the top, promotes a better model, and ranks every image through its new top', async () => {
    activatePoorModel(library, resources.defaultModelDir);
    const shipped = readShippedModel(resources.defaultModelDir);
    // Activations an older recipe cached (another cut) are of no use to this one and go.
    const cacheDir = path.join(dataDir, 'cache', 'activations');
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(path.join(cacheDir, 'base-expanded_conv_13_project-ham10000-72-0123abcd.f16'), '');

    const epochs: number[] = [];
    const phases = new Set<string>();
    const report = await retrainDeep(library, modelProcess, resources, {
      actor: 'test',
      recipe: RECIPE,
      onEpoch: (point) => epochs.push(point.epoch),
      onProgress: (progress) => phases.add(progress.phase),
    });
    expect(epochs).toEqual([1]);
    expect([...phases].sort()).toEqual(['activations', 'embedding', 'training']);
    expect(report).toMatchObject({ parent: 'poor-reversed', promoted: true });
    expect(report.candidateAuc).toBeGreaterThan(report.activeAuc);
    expect(report.counts).toMatchObject({ shippedTrain: 48, shippedValidation: 24 });
    expect((report.counts.localTrain ?? 0) + (report.counts.localValidation ?? 0)).toBe(images);

    const { record, artifact } = activeModel(library);
    expect(record).toMatchObject({ version: report.candidate, kind: 'deep', parentVersion: 'poor-reversed' });
    expect(artifact.top).toBeDefined();
    expect(artifact.top?.id).not.toBe(shipped.top?.id);
    expect(artifact.backbone).not.toBe(shipped.backbone);
    const dir = modelDir(dataDir, record);
    expect(readTopWeights(dir, artifact.top!).length).toBeGreaterThan(0);
    // Its own training set, embedded through its top, for the head retrainings that follow.
    const own = readTrainingSet(trainingSetDirOf(dir, resources));
    expect(own).toMatchObject({ backbone: artifact.backbone });
    expect(own.labels).toHaveLength(72);
    const counted = (sql: string, ...params: unknown[]): number =>
      library.db
        .prepare(sql)
        .pluck()
        .get(...params) as number;
    expect(counted('SELECT count(*) FROM embeddings WHERE backbone = ?', artifact.backbone)).toBe(images);
    expect(counted('SELECT count(*) FROM predictions WHERE model_id = ?', record.id)).toBe(images);
    expect(counted(`SELECT count(*) FROM training_runs WHERE kind = 'deep' AND status = 'completed'`)).toBe(
      1,
    );
    // The shipped images' activations, of the photographs and of each augmented copy, kept for next time.
    const cached = fs.readdirSync(cacheDir).sort();
    expect(cached).toEqual([
      ...Array.from({ length: DEEP_RECIPE.imageVariants }, (_, v) =>
        expect.stringMatching(
          new RegExp(`^[\\w.-]+-${DEEP_RECIPE.cut}-ham10000-72-[0-9a-f]{8}-variant${v + 1}\\.f16$`),
        ),
      ),
      expect.stringMatching(new RegExp(`^[\\w.-]+-${DEEP_RECIPE.cut}-ham10000-72-[0-9a-f]{8}\\.f16$`)),
    ]);
    const sizes = new Set(cached.map((name) => fs.statSync(path.join(cacheDir, name)).size));
    expect(sizes.size).toBe(1);
    expect([...sizes][0]! % (72 * 2)).toBe(0);
    expect([...sizes][0]).toBeGreaterThan(0);

    // A head retraining on the deep model learns from its training set and keeps its top.
    const onDeep = new ModelProcess(modelProcessConfig(resources, 'wasm', { artifact, dir }));
    const head = await retrainHead(library, onDeep, resources, { actor: 'test' }).finally(() =>
      onDeep.close(),
    );
    const next = library.models.byVersion(head.candidate)!;
    const nextArtifact = JSON.parse(
      fs.readFileSync(path.join(modelDir(dataDir, next), 'model.json'), 'utf8'),
    );
    expect(nextArtifact).toMatchObject({ kind: 'head', backbone: artifact.backbone, top: artifact.top });
    expect(readTrainingSet(trainingSetDirOf(modelDir(dataDir, next), resources)).backbone).toBe(
      artifact.backbone,
    );
    expect(inspectLibrary(dataDir).integrity).toBe('ok');
  }, 600_000);

  it('keeps a worse candidate as rejected, without re-embedding, and the active model as it was', async () => {
    const before = library.models.active()!;
    const cached = fs.readdirSync(path.join(dataDir, 'cache', 'activations'));
    const shippedActivations = path.join(dataDir, 'cache', 'activations', cached[0]!);
    const written = fs.statSync(shippedActivations).mtimeMs;
    library.settings.set('promotionTolerance', -0.5);
    const process = new ModelProcess(modelProcessConfig(resources, 'wasm', currentModel(library, resources)));
    try {
      const report = await retrainDeep(library, process, resources, { actor: 'test', recipe: RECIPE });
      expect(report.promoted).toBe(false);
      expect(report.decision).toMatch(/^rejected: validation AUC/);
      const rejected = library.models.byVersion(report.candidate)!;
      expect(rejected).toMatchObject({ status: 'rejected', kind: 'deep' });
      expect(
        library.db
          .prepare('SELECT count(*) FROM embeddings WHERE backbone = ?')
          .pluck()
          .get(rejected.backbone),
      ).toBe(0);
      expect(library.models.active()?.version).toBe(before.version);
      // The shipped images' activations were computed once, for every deep retraining.
      expect(fs.statSync(shippedActivations).mtimeMs).toBe(written);
      expect(fs.readdirSync(path.join(dataDir, 'cache', 'activations'))).toEqual(cached);
    } finally {
      process.close();
      library.settings.set('promotionTolerance', 0.005);
    }
  }, 600_000);

  it('stops when cancelled, recording the run as cancelled and leaving the active model', async () => {
    const before = library.models.active()!;
    const cacheDir = path.join(dataDir, 'cache', 'activations');
    const attempt = async (phase: string): Promise<void> => {
      const process = new ModelProcess(
        modelProcessConfig(resources, 'wasm', currentModel(library, resources)),
      );
      const controller = new AbortController();
      try {
        await expect(
          retrainDeep(library, process, resources, {
            actor: 'test',
            recipe: RECIPE,
            signal: controller.signal,
            onProgress: (progress) => {
              if (progress.phase === phase) controller.abort();
            },
          }),
        ).rejects.toThrow(/cancelled/);
      } finally {
        process.close();
      }
      expect(library.models.active()?.version).toBe(before.version);
      expect(
        library.db.prepare(`SELECT status FROM training_runs ORDER BY id DESC LIMIT 1`).pluck().get(),
      ).toBe('cancelled');
    };
    // While the shipped images' activations are computed: no partial file is left to be taken as whole.
    fs.rmSync(cacheDir, { recursive: true });
    await attempt('activations');
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    await attempt('training');
    expect(fs.readdirSync(cacheDir)).toHaveLength(1 + DEEP_RECIPE.imageVariants);
  }, 600_000);
});
