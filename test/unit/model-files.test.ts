import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifactFile } from '../../src/main/model/artifacts/artifact';
import { readModelFiles, readShippedModel, shippedModelFile } from '../../src/main/model/artifacts/registry';
import { readTrainingSet, writeTrainingSet } from '../../src/main/model/artifacts/training-set';
import { resourcePaths } from '../../src/main/resources';
import { useTempDirs } from '../helpers/temp-dirs';

/** Every file the product reads back from disk goes through a schema, and a bad one is refused by name. */
describe('model files read from disk', () => {
  const tempDir = useTempDirs();
  const shipped = readShippedModel(resourcePaths().defaultModelDir);

  /** A library folder holding one model version whose model.json is `text`. */
  function libraryWith(text: string): {
    dataDir: string;
    file: string;
    record: { artifactPath: string; version: string };
  } {
    const dataDir = tempDir();
    const record = { artifactPath: path.join('models', shipped.version), version: shipped.version };
    const file = path.join(dataDir, record.artifactPath, 'model.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return { dataDir, file, record };
  }

  it('reads the shipped default with typed metrics', () => {
    expect(shipped.head.weights.length).toBeGreaterThan(0);
    expect(typeof shipped.threshold).toBe('number');
    expect(readArtifactFile(shippedModelFile(resourcePaths().defaultModelDir))).toEqual(shipped);
  });

  it('refuses a truncated model.json, naming the file and the version', () => {
    const text = JSON.stringify(shipped);
    const { dataDir, file, record } = libraryWith(text.slice(0, text.length / 2));
    expect(() => readModelFiles(dataDir, record)).toThrow(`Model ${shipped.version}: cannot read ${file}`);
  });

  it('refuses a model.json missing a field or with one of the wrong kind, naming the field', () => {
    const { head: _head, ...headless } = shipped;
    const missing = libraryWith(JSON.stringify(headless));
    expect(() => readModelFiles(missing.dataDir, missing.record)).toThrow(
      `${missing.file} is not a model file: head:`,
    );
    const wrong = libraryWith(JSON.stringify({ ...shipped, threshold: 'high' }));
    expect(() => readModelFiles(wrong.dataDir, wrong.record)).toThrow(
      `${wrong.file} is not a model file: threshold:`,
    );
  });

  it("refuses another version's file in a version's folder", () => {
    const { dataDir, file, record } = libraryWith(JSON.stringify({ ...shipped, version: 'someone-else' }));
    expect(() => readModelFiles(dataDir, record)).toThrow(`${file} is not this model's file`);
  });

  it('reads a training set back, and refuses an index that does not match its rows', () => {
    const dir = tempDir();
    const set = {
      backbone: 'b1',
      dimension: 2,
      values: Float32Array.from([0, 1, 0.5, 0.25]),
      labels: Uint8Array.from([1, 0]),
      groups: ['l1', 'l2'],
      names: ['a', 'b'],
    };
    writeTrainingSet(dir, set);
    expect(readTrainingSet(dir)).toMatchObject({ backbone: 'b1', dimension: 2, names: ['a', 'b'] });
    const index = path.join(dir, 'index.json');
    const json = JSON.parse(fs.readFileSync(index, 'utf8')) as { labels: number[] };
    fs.writeFileSync(index, JSON.stringify({ ...json, labels: [1] }));
    expect(() => readTrainingSet(dir)).toThrow(
      `${index} is not a training set index: file: labels, groups and names need one entry per row`,
    );
    fs.writeFileSync(index, JSON.stringify({ ...json, format: 'something-else' }));
    expect(() => readTrainingSet(dir)).toThrow(`${index} is not a training set index: format:`);
  });
});
