import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../src/main/library';
import { importFolders } from '../../src/main/importer/import-folders';
import type { TopManifest } from '../../src/main/model/network/top-file';
import { foldStandardisation, predict } from '../../src/main/model/training/head';
import { forkModelProcess, ModelProcess, type ModelTransport } from '../../src/main/model/process/host';
import { ModelProcessPool } from '../../src/main/model/process/pool';
import {
  activeModel,
  newVersion,
  registerModel,
  type ModelArtifact,
} from '../../src/main/model/artifacts/registry';
import { resourcePaths } from '../../src/main/resources';
import { explainImage } from '../../src/main/triage/explain';
import { Explainer } from '../../src/main/triage/explainer';
import { currentModel, modelProcessConfig, rankCurrent } from '../../src/main/triage/model-session';
import { HAM_FIXTURES } from '../helpers/temp-dirs';

const resources = resourcePaths();
const logit = (p: number): number => Math.log(p / (1 - p));

/** The same model with its head turned around: what it found most melanoma-like is now least. */
function negated(artifact: ModelArtifact, version = artifact.version): ModelArtifact {
  const { head } = artifact;
  return { ...artifact, version, head: { ...head, weights: head.weights.map((w) => -w), bias: -head.bias } };
}

/** The four HAM10000 fixtures imported and ranked by the shipped default model (a deep one, with its top). */
describe('heatmaps from the model process', () => {
  let root = '';
  let library: Library;
  let modelProcess: ModelProcess;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-heatmap-'));
    library = openLibrary(path.join(root, 'library'));
    await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-1', actor: 'test' });
    await rankCurrent(library);
    for (const name of fs.readdirSync(HAM_FIXTURES)) {
      const id = library.db.prepare('SELECT id FROM images WHERE original_name = ?').pluck().get(name);
      ids.set(name, id as number);
    }
    modelProcess = new ModelProcess(modelProcessConfig(resources, 'wasm', currentModel(library, resources)));
  }, 300_000);

  afterAll(() => {
    modelProcess?.close();
    library?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const idOf = (name: string): number => ids.get(name) as number;
  const storedFile = (imageId: number): string => {
    const image = library.images.byId(imageId);
    if (!image) throw new Error(`no image ${imageId}`);
    return library.store.originalPath(image.sha256, image.format);
  };

  it('maps an image to 7 × 7 logits, the same every time, whose mean is the logit the model ranked it by', async () => {
    const { record, artifact } = activeModel(library);
    const { head } = artifact;
    const folded = foldStandardisation(head.mean, head.std, head.weights, head.bias);
    const linear = { weights: Float32Array.from(folded.weights), bias: folded.bias };
    for (const imageId of ids.values()) {
      const image = { imageId, path: storedFile(imageId) };
      const map = await modelProcess.explain(image, linear);
      expect([map.rows, map.columns, map.values.length]).toEqual([7, 7, 49]);
      expect(map.values.every(Number.isFinite)).toBe(true);
      expect(await modelProcess.explain(image, linear)).toEqual(map);
      const mean = map.values.reduce((a, b) => a + b, 0) / map.values.length;
      const ranked = library.predictions.probability(record.id, imageId) as number;
      // Global average pooling commutes with the linear head: the mean cell is the image's logit.
      expect(mean).toBeCloseTo(logit(ranked), 3);
      // A real map: its regions differ.
      expect(Math.max(...map.values) - Math.min(...map.values)).toBeGreaterThan(0.1);
    }
  }, 120_000);

  it('scales the map to 0..1 for the active model, its regions bracketing the image probability', async () => {
    const model = currentModel(library, resources);
    const { record } = activeModel(library);
    const maps = [];
    for (const imageId of ids.values()) {
      const explanation = await explainImage(library, modelProcess, model, imageId);
      expect(explanation).toMatchObject({ model: record.version, rows: 7, columns: 7 });
      expect(explanation.cells).toHaveLength(49);
      expect(Math.min(...explanation.cells)).toBe(0);
      expect(Math.max(...explanation.cells)).toBe(1);
      const probability = library.predictions.probability(record.id, imageId) as number;
      expect(explanation.lowest).toBeLessThan(probability);
      expect(explanation.highest).toBeGreaterThan(probability);
      maps.push(explanation.cells);
    }
    // Different lesions, different maps.
    expect(new Set(maps.map((cells) => cells.join())).size).toBe(maps.length);
  }, 120_000);

  it('depends on the head: turned around, the map is turned upside down', async () => {
    const model = currentModel(library, resources);
    const imageId = idOf('ISIC_0024310.jpg');
    const forward = await explainImage(library, modelProcess, model, imageId);
    const backward = await explainImage(
      library,
      modelProcess,
      { ...model, artifact: negated(model.artifact) },
      imageId,
    );
    backward.cells.forEach((cell, i) => expect(cell).toBeCloseTo(1 - (forward.cells[i] as number), 5));
    expect(backward.lowest).toBeCloseTo(1 - forward.highest, 5);
    expect(backward.highest).toBeCloseTo(1 - forward.lowest, 5);
  }, 120_000);

  it('follows a top that averages flips and turns: the mean cell is the logit of the averaged embedding', async () => {
    const model = currentModel(library, resources);
    const top = model.artifact.top as TopManifest;
    const averaged = { ...top, testTransforms: [0, 3, 5, 6] };
    const process = new ModelProcess(
      modelProcessConfig(resources, 'wasm', { ...model, artifact: { ...model.artifact, top: averaged } }),
    );
    try {
      const backend = await process.backend();
      expect(backend.backboneVersion).toMatch(/\+tta-0356$/);
      const artifact = { ...model.artifact, top: averaged, backbone: backend.backboneVersion };
      const imageId = idOf('ISIC_0024310.jpg');
      const image = { imageId, path: storedFile(imageId) };
      const { head } = artifact;
      const folded = foldStandardisation(head.mean, head.std, head.weights, head.bias);
      const map = await process.explain(image, {
        weights: Float32Array.from(folded.weights),
        bias: folded.bias,
      });
      const vectors: Float32Array[] = [];
      await process.embed([image], { onEmbedded: (_, v) => vectors.push(v), onImageError: () => undefined });
      const [probability] = predict(head, vectors[0] as Float32Array, 1);
      const mean = map.values.reduce((a, b) => a + b, 0) / map.values.length;
      expect(mean).toBeCloseTo(logit(probability as number), 3);

      const plain = await explainImage(library, modelProcess, model, imageId);
      const turned = await explainImage(library, process, { ...model, artifact }, imageId);
      expect(turned.model).toBe(artifact.version);
      expect(turned.cells).not.toEqual(plain.cells);
    } finally {
      process.close();
    }
  }, 180_000);

  it('names the image it cannot read: undecodable, missing, or not in the library', async () => {
    const model = currentModel(library, resources);
    const junk = path.join(root, 'junk.jpg');
    fs.writeFileSync(junk, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const linear = { weights: new Float32Array(1280), bias: 0 };
    await expect(modelProcess.explain({ imageId: 77, path: junk }, linear)).rejects.toThrow(
      `image 77 (${junk}): `,
    );

    const broken = idOf('ISIC_0024307.jpg');
    fs.copyFileSync(junk, storedFile(broken));
    await expect(explainImage(library, modelProcess, model, broken)).rejects.toThrow(
      `The heatmap of ISIC_0024307.jpg could not be computed: image ${broken} (${storedFile(broken)}): `,
    );
    const missing = idOf('ISIC_0024308.jpg');
    fs.rmSync(storedFile(missing));
    await expect(explainImage(library, modelProcess, model, missing)).rejects.toThrow(
      /^The heatmap of ISIC_0024308\.jpg could not be computed: image \d+ \(.*\): ENOENT/,
    );
    await expect(explainImage(library, modelProcess, model, 999_999)).rejects.toMatchObject({
      name: 'LibraryError',
      code: 'not-found',
    });
    // The process survives a bad image: the next map is computed as before.
    const good = await explainImage(library, modelProcess, model, idOf('ISIC_0024306.jpg'));
    expect(good.cells).toHaveLength(49);
  }, 120_000);

  it('keeps one model process between heatmaps, and starts afresh for a newly activated model', async () => {
    const transports: ModelTransport[] = [];
    const pool = new ModelProcessPool({
      start: () => {
        const transport = forkModelProcess();
        transports.push(transport);
        return transport;
      },
    });
    const explainer = new Explainer(library, resources, pool);
    try {
      const imageId = idOf('ISIC_0024310.jpg');
      const first = await explainer.explain(imageId);
      const started = performance.now();
      expect(await explainer.explain(imageId)).toEqual(first);
      const warm = performance.now() - started;
      expect(transports).toHaveLength(1);
      expect(warm).toBeLessThan(10_000);

      const active = activeModel(library);
      const turned = negated(active.artifact, newVersion('test'));
      registerModel(library, turned, 'candidate', path.join(library.dataDir, active.record.artifactPath));
      library.models.activate(turned.version);
      const after = await explainer.explain(imageId);
      expect(transports).toHaveLength(2);
      expect(after.model).toBe(turned.version);
      after.cells.forEach((cell, i) => expect(cell).toBeCloseTo(1 - (first.cells[i] as number), 5));
    } finally {
      pool.close();
    }
  }, 180_000);
});
