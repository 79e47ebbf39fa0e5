import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/main/library';
import { loadBackbone, toBatch } from '../../src/main/model/network/backbone';
import {
  readTopWeights,
  TOP_FILE,
  topBytes,
  topManifest,
  toppedVersion,
  type TopManifest,
} from '../../src/main/model/network/top-file';
import { describeTop, TrainableTop, topWeightsFromModel } from '../../src/main/model/network/trainable-top';
import { embedThroughTop } from '../../src/main/model/training/train-top';
import { arraySource, transformedSource } from '../../src/main/model/training/activation-source';
import { fileSystemHandler } from '../../src/main/model/network/fs-io-handler';
import { imageToInput } from '../../src/main/model/network/preprocess';
import { readShippedModel, registerModel, type ModelArtifact } from '../../src/main/model/artifacts/registry';
import { initBackend } from '../../src/main/model/network/tf-backend';
import { resourcePaths } from '../../src/main/resources';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';
import { runTriage } from '../helpers/triage-cli';

const resources = resourcePaths();
const CUT = 'expanded_conv_13_project';

/** A top that differs from the shipped one: every conv_1 bias raised, so every embedding moves. */
async function alteredTop(dir: string): Promise<{ top: TopManifest; backbone: string }> {
  await initBackend('wasm');
  const model = await tf.loadLayersModel(fileSystemHandler(path.join(resources.backboneDir, 'model.json')));
  const weights = topWeightsFromModel(model, describeTop(model, CUT, 'global_average_pool'));
  model.dispose();
  const bias = weights.find((w) => w.name === 'conv_1/bias')!;
  bias.values = bias.values.map((v) => v + 0.5);
  fs.writeFileSync(path.join(dir, TOP_FILE), topBytes(weights));
  const top = topManifest(CUT, weights);
  const base = (await loadBackbone(resources.backboneDir)).version;
  return { top, backbone: toppedVersion(base, top) };
}

describe('a model with a fine-tuned top', () => {
  const tempDir = useTempDirs();

  it('ranks the library through its own top, and rollback re-scores without decoding', async () => {
    const dataDir = path.join(tempDir(), 'library');
    const imported = await runTriage([
      'import',
      HAM_FIXTURES,
      '--patient',
      'P-1',
      '--data-dir',
      dataDir,
      '--json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const shipped = readShippedModel(resources.defaultModelDir);

    const topDir = tempDir();
    const { top, backbone } = await alteredTop(topDir);
    const artifact: ModelArtifact = { ...shipped, version: 'deep-test-1', kind: 'deep', top, backbone };
    let library = openLibrary(dataDir);
    registerModel(library, artifact, 'candidate', topDir);
    library.close();
    fs.rmSync(topDir, { recursive: true });

    // Activating it computes the embeddings it needs, through its top, from the library's copy.
    const activated = await runTriage(['models', 'rollback', 'deep-test-1', '--data-dir', dataDir, '--json']);
    expect(activated.code, activated.stderr).toBe(0);
    expect(JSON.parse(activated.stdout)).toMatchObject({ active: 'deep-test-1', rescored: 4 });

    library = openLibrary(dataDir);
    const images = library.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
    const stored = images.map((id) => library.embeddings.get(id, backbone));
    const base = images.map((id) => library.embeddings.get(id, shipped.backbone));
    const expected = await loadBackbone(resources.backboneDir, {
      manifest: top,
      weights: readTopWeights(path.join(dataDir, 'models', 'deep-test-1'), top),
    });
    const inputs = await Promise.all(
      images.map(async (id) => {
        const image = library.images.byId(id)!;
        return imageToInput(fs.readFileSync(library.store.originalPath(image.sha256, image.format)));
      }),
    );
    const want = expected.embed(toBatch(inputs)).arraySync();
    expected.dispose();
    images.forEach((_, i) => {
      const vector = stored[i]!;
      expect(vector).toBeDefined();
      expect(Math.max(...want[i]!.map((v, j) => Math.abs(v - vector[j]!)))).toBeLessThan(1e-4);
      // The raised bias lifts every relu6 unit below 6: the stored vectors are not the shipped backbone's.
      expect(Math.max(...Array.from(vector, (v, j) => Math.abs(v - base[i]![j]!)))).toBeGreaterThan(0.1);
    });
    const deepId = library.models.byVersion('deep-test-1')!.id;
    expect(
      library.db.prepare('SELECT count(*) FROM predictions WHERE model_id = ?').pluck().get(deepId),
    ).toBe(4);
    library.close();

    const back = await runTriage(['models', 'rollback', shipped.version, '--data-dir', dataDir, '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ active: shipped.version, rescored: 4 });
  }, 180_000);

  it('refuses a top file that does not match its model, naming the file', async () => {
    const dataDir = path.join(tempDir(), 'library');
    expect(
      (await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', '--data-dir', dataDir, '--no-rank']))
        .code,
    ).toBe(0);
    const topDir = tempDir();
    const { top, backbone } = await alteredTop(topDir);
    const library = openLibrary(dataDir);
    const shipped = readShippedModel(resources.defaultModelDir);
    registerModel(
      library,
      { ...shipped, version: 'deep-test-2', kind: 'deep', top, backbone },
      'candidate',
      topDir,
    );
    library.models.activate('deep-test-2');
    library.close();
    const file = path.join(dataDir, 'models', 'deep-test-2', TOP_FILE);
    const bytes = fs.readFileSync(file);
    bytes[100] = bytes[100]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const ranked = await runTriage(['rank', '--data-dir', dataDir]);
    expect(ranked.code).not.toBe(0);
    expect(ranked.stderr).toContain(`${file}: content does not match the model`);
  }, 120_000);

  it('averages the embeddings of flipped and turned activations at the cut, as training measured them', async () => {
    await initBackend('wasm');
    const plain = await loadBackbone(resources.backboneDir);
    const split = plain.splitAt(CUT);
    // Identity, both flips (a half turn), and transpose with a flip: every branch of dihedralTensor.
    const testTransforms = [0, 3, 5];
    const top = topManifest(CUT, split.weights, testTransforms);
    const averaged = await loadBackbone(resources.backboneDir, { manifest: top, weights: split.weights });
    expect(averaged.version).toBe(`${plain.version}+top-${top.id}+tta-035`);
    expect(toppedVersion(plain.version, topManifest(CUT, split.weights, [0]))).toBe(
      `${plain.version}+top-${top.id}`,
    );

    const files = fs
      .readdirSync(path.join(HAM_FIXTURES))
      .filter((f) => f.endsWith('.jpg'))
      .slice(0, 2);
    const inputs = await Promise.all(
      files.map(async (f) => imageToInput(fs.readFileSync(path.join(HAM_FIXTURES, f)))),
    );
    const batch = toBatch(inputs);
    const got = averaged.embed(batch).arraySync();
    const activations = split.activations(batch);
    const source = arraySource(activations.dataSync() as Float32Array, split.shape);
    const trainable = new TrainableTop(split.top, split.weights);
    const rows = files.map((_, i) => i);
    const perTransform = testTransforms.map((t) =>
      embedThroughTop(trainable, transformedSource(source, t), rows, 8),
    );
    trainable.dispose();
    const once = plain.embed(batch).arraySync();
    rows.forEach((i) => {
      const want = Array.from(
        { length: 1280 },
        (_, j) => perTransform.reduce((sum, e) => sum + e[i * 1280 + j]!, 0) / testTransforms.length,
      );
      expect(Math.max(...got[i]!.map((v, j) => Math.abs(v - want[j]!)))).toBeLessThan(1e-4);
      // And it is not simply the untransformed embedding.
      expect(Math.max(...got[i]!.map((v, j) => Math.abs(v - once[i]![j]!)))).toBeGreaterThan(1e-3);
    });
    [batch, activations].forEach((t) => t.dispose());
    plain.dispose();
    averaged.dispose();
  }, 120_000);
});
