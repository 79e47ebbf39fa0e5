import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/main/library';
import { rocAuc } from '../../src/main/model/training/metrics';
import { readShippedModel } from '../../src/main/model/artifacts/registry';
import { resourcePaths } from '../../src/main/resources';
import { requireSharedHam, useTempDirs } from '../helpers/temp-dirs';
import { runTriage } from '../helpers/triage-cli';

const tmp = useTempDirs();

/** A labeled folder as ../shared lays one out: images/ and labels.csv with file and melanoma. */
function labeledFolder(count: number): { folder: string; truth: Map<string, number> } {
  const ham = requireSharedHam();
  const folder = tmp();
  fs.mkdirSync(path.join(folder, 'images'));
  const rows = fs.readFileSync(path.join(ham, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  // Every melanoma among the first rows, and the rest, so both classes are there.
  const picked = rows.filter((_, i) => i % Math.floor(rows.length / count) === 0).slice(0, count);
  const truth = new Map<string, number>();
  const lines = ['file,melanoma'];
  for (const row of picked) {
    const [id, file, , melanoma] = row.split(',');
    fs.copyFileSync(path.join(ham, file as string), path.join(folder, file as string));
    truth.set(`${id}.jpg`, Number(melanoma));
    lines.push(`${file},${melanoma}`);
  }
  fs.writeFileSync(path.join(folder, 'labels.csv'), lines.join('\n') + '\n');
  return { folder, truth };
}

describe('triage eval', () => {
  it('scores a labeled folder with the shipped default model when there is no library, creating none', async () => {
    const { folder, truth } = labeledFolder(60);
    const dataDir = path.join(tmp(), 'no-library-here');
    const result = await runTriage(['eval', folder, '--data-dir', dataDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    const positives = [...truth.values()].filter((y) => y === 1).length;
    expect(positives).toBeGreaterThan(0);
    expect(report).toMatchObject({
      model: readShippedModel(resourcePaths().defaultModelDir).version,
      n: truth.size,
      positives,
      threshold: readShippedModel(resourcePaths().defaultModelDir).threshold,
      failed: [],
    });
    for (const key of ['auc', 'sensitivity', 'specificity', 'prAuc', 'f1', 'accuracy', 'ece']) {
      expect(typeof report[key], key).toBe('number');
    }
    expect(fs.existsSync(dataDir)).toBe(false);

    // The same images imported and ranked in a library get the probabilities eval scored them with.
    const library = tmp();
    const imported = await runTriage([
      'import',
      path.join(folder, 'images'),
      '--patient',
      'E',
      '--data-dir',
      library,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const lib = openLibrary(library);
    try {
      const rows = lib.exportRows();
      const auc = rocAuc(
        rows.map((r) => r.probability as number),
        rows.map((r) => truth.get(r.fileName) as number),
      );
      expect(report.auc as number).toBeCloseTo(auc, 6);
    } finally {
      lib.close();
    }
  }, 300_000);

  it('names unusable rows and images, and scores the rest', async () => {
    const { folder } = labeledFolder(6);
    fs.appendFileSync(path.join(folder, 'labels.csv'), 'images/missing.jpg,0\nimages/x.jpg,perhaps\n');
    const result = await runTriage(['eval', folder, '--data-dir', tmp(), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      n: number;
      failed: Array<{ file: string; reason: string }>;
    };
    expect(report.n).toBe(6);
    expect(report.failed).toEqual([
      { file: path.join(folder, 'images', 'x.jpg'), reason: 'line 9: melanoma "perhaps" is not yes/no' },
      { file: path.join(folder, 'images', 'missing.jpg'), reason: expect.stringMatching(/ENOENT/) },
    ]);
  }, 300_000);
});
