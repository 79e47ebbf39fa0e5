import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { apiCalls, type ApiCallName } from '../../src/api/contract';
import { createApiHandlers, createChannelHandlers } from '../../src/main/api-handlers';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary, type Library } from '../../src/main/library';
import {
  ensureShippedDefault,
  readShippedModel,
  registerModel,
} from '../../src/main/model/artifacts/registry';
import { resourcePaths } from '../../src/main/resources';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';
import { runTriage } from '../helpers/triage-cli';

/**
 * Ground truth a keystroke cannot lose, through the real CLI and the window's channel handlers over
 * real libraries: a label that flips melanoma or weakens a confirmation is refused without --overwrite
 * (overwrite: true from the window), writing nothing; CSV rows like it are skipped with the reason.
 */
const tmp = useTempDirs();

/** A library of the four fixture photographs (patient P-1), imported by the CLI without ranking. */
async function fixtureLibrary(): Promise<string> {
  const dataDir = path.join(tmp(), 'library');
  const imported = await runTriage([
    'import',
    HAM_FIXTURES,
    '--patient',
    'P-1',
    '--no-rank',
    '--data-dir',
    dataDir,
  ]);
  expect(imported.code, imported.stderr).toBe(0);
  return dataDir;
}

function labelRows(dataDir: string): Array<Record<string, unknown>> {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT l.id, i.original_name AS name, l.melanoma, l.diagnosis, l.diagnosis_detail AS detail,
           l.confirmed_by AS confirmedBy
         FROM labels l JOIN images i ON i.id = l.image_id ORDER BY l.id`,
      )
      .all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

function csvFile(lines: string[]): string {
  const file = path.join(tmp(), 'pathology.csv');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

function channelsOver(library: Library): (name: ApiCallName, request: unknown) => Promise<unknown> {
  const services = servicesFor(library, { actor: 'dr-window' });
  const jobs = new JobRunner(services, () => undefined);
  const choose = { folders: () => Promise.resolve([]), manifest: () => Promise.resolve(null) };
  const channels = createChannelHandlers(createApiHandlers({ services, jobs, choose }));
  return (name, request) => {
    const handle = channels.get(apiCalls[name].channel);
    if (!handle) throw new Error(`${name} is not wired`);
    return handle(request);
  };
}

describe('protected ground truth', () => {
  it('triage label refuses to flip a histopathology melanoma (exit 2) until --overwrite', async () => {
    const dataDir = await fixtureLibrary();
    const d = ['--data-dir', dataDir];
    const first = await runTriage([
      'label',
      'ISIC_0024310',
      '--melanoma',
      'yes',
      '--diagnosis',
      'Melanoma in situ',
      '--confirmed-by',
      'histopathology',
      ...d,
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^Labeled image \d+ \(melanoma: yes, mel in situ, confirmed by histopathology\)\n$/,
    );
    const before = labelRows(dataDir);

    const refused = await runTriage(['label', 'ISIC_0024310', '--melanoma', 'no', ...d]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^triage: Image \d+ \(ISIC_0024310\.jpg\) is labeled "Melanoma \(in situ\), histopathology"; the new label "Not melanoma" needs confirmation because it says not melanoma where the label says melanoma, and it replaces confirmation by histopathology with none\. .*--overwrite/,
    );
    expect(labelRows(dataDir)).toEqual(before);

    // A weaker confirmation of the same melanoma value is refused too.
    const weaker = await runTriage([
      'label',
      'ISIC_0024310',
      '--melanoma',
      'yes',
      '--confirmed-by',
      'clinical',
      ...d,
    ]);
    expect(weaker.code).toBe(2);
    expect(weaker.stderr).toContain('it replaces confirmation by histopathology with the weaker clinical');
    expect(labelRows(dataDir)).toEqual(before);

    const overwritten = await runTriage([
      'label',
      'ISIC_0024310',
      '--melanoma',
      'no',
      '--overwrite',
      ...d,
      '--json',
    ]);
    expect(overwritten.code, overwritten.stderr).toBe(0);
    expect(JSON.parse(overwritten.stdout)).toMatchObject({
      added: true,
      label: { melanoma: false, diagnosis: null, diagnosisDetail: null, confirmedBy: null },
    });
    // Appended, never rewritten: the confirmed melanoma is still in the history.
    expect(labelRows(dataDir)).toEqual([
      ...before,
      expect.objectContaining({ name: 'ISIC_0024310.jpg', melanoma: 0, confirmedBy: null }),
    ]);

    const unknown = await runTriage([
      'label',
      'ISIC_0024306',
      '--melanoma',
      'no',
      '--diagnosis',
      'freckle',
      ...d,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--diagnosis: "freckle" is not a diagnosis: .*seborrheic keratosis/);
  }, 120_000);

  it('triage labels import reads diagnoses in words, and skips overwrites with the reason', async () => {
    const dataDir = await fixtureLibrary();
    const d = ['--data-dir', dataDir];
    const words = csvFile([
      'image_id,dx,dx_type',
      'ISIC_0024306,nevus,follow_up',
      'ISIC_0024307,seborrheic keratosis,histo',
      'ISIC_0024308,"Bowen\'s disease",consensus',
      'ISIC_0024310,Lentigo_Maligna,histo',
    ]);
    const imported = await runTriage(['labels', 'import', words, ...d, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      rows: 4,
      added: 4,
      failed: 0,
      skipped: 0,
      warnings: [],
    });
    expect(labelRows(dataDir).map(({ name, diagnosis, detail }) => [name, diagnosis, detail])).toEqual([
      ['ISIC_0024306.jpg', 'nv', null],
      ['ISIC_0024307.jpg', 'bkl', null],
      ['ISIC_0024308.jpg', 'akiec', null],
      ['ISIC_0024310.jpg', 'mel', 'in situ'],
    ]);

    const overwrites = csvFile([
      'image,melanoma,diagnosis,confirmed_by',
      'ISIC_0024310,no,nevus,histopathology',
      'ISIC_0024307,no,solar lentigo,clinical',
      'ISIC_0024306,no,freckle,follow-up',
      'ISIC_0024308,no,squamous cell carcinoma,histopathology',
    ]);
    const before = labelRows(dataDir);
    const skipped = await runTriage(['labels', 'import', overwrites, ...d]);
    expect(skipped.code, skipped.stderr).toBe(1);
    expect(skipped.stdout).toContain('2 label(s) recorded, 0 unchanged, 0 row(s) failed, 2 skipped');
    expect(skipped.stdout).toMatch(
      /line 2: image \d+ is "Melanoma \(in situ\), histopathology"; "Not melanoma: nevus, histopathology" says not melanoma/,
    );
    expect(skipped.stdout).toMatch(
      /line 3: image \d+ is "Not melanoma: benign keratosis, histopathology"; .*replaces confirmation by histopathology with the weaker clinical/,
    );
    expect(skipped.stdout).toMatch(
      /Warnings:\n {2}line 4: diagnosis: "freckle" is not a diagnosis: .*recorded as "other"/,
    );
    const rows = labelRows(dataDir);
    expect(rows.slice(0, before.length)).toEqual(before);
    expect(rows.slice(before.length).map(({ name, diagnosis }) => [name, diagnosis])).toEqual([
      ['ISIC_0024306.jpg', 'other'],
      ['ISIC_0024308.jpg', 'scc'],
    ]);

    const forced = await runTriage(['labels', 'import', overwrites, '--overwrite', ...d, '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ added: 2, unchanged: 2, skipped: 0, skips: [] });
    expect(
      labelRows(dataDir)
        .slice(-2)
        .map(({ name, melanoma, diagnosis }) => [name, melanoma, diagnosis]),
    ).toEqual([
      ['ISIC_0024310.jpg', 0, 'nv'],
      ['ISIC_0024307.jpg', 0, 'bkl'],
    ]);

    const noMelanomaColumn = await runTriage([
      'labels',
      'import',
      csvFile(['image,dx', 'ISIC_0024306,freckle']),
      ...d,
      '--json',
    ]);
    expect(noMelanomaColumn.code).toBe(1);
    expect(JSON.parse(noMelanomaColumn.stdout)).toMatchObject({
      failed: 1,
      problems: [
        {
          line: 2,
          reason: expect.stringMatching(
            /^dx: "freckle" is not a diagnosis: use a code or a name \(akiec, .*hemangioma\)$/,
          ),
        },
      ],
    });
  }, 120_000);

  it("the window's saveLabel is refused with the reason, and kept with overwrite: true", async () => {
    const library = openLibrary(await fixtureLibrary());
    try {
      const call = channelsOver(library);
      const imageId = library.images.idsByName().get('ISIC_0024310')?.[0] as number;
      await call('saveLabel', { imageId, melanoma: true, confirmedBy: 'confocal' });
      const history = library.labels.history(imageId);
      await expect(call('saveLabel', { imageId, melanoma: true, confirmedBy: 'consensus' })).rejects.toThrow(
        /is labeled "Melanoma, confocal"; the new label "Melanoma, consensus" needs confirmation because it replaces confirmation by confocal with the weaker consensus/,
      );
      expect(library.labels.history(imageId)).toEqual(history);
      // A firmer confirmation needs no confirming.
      await call('saveLabel', { imageId, melanoma: true, confirmedBy: 'histopathology' });
      await expect(call('saveLabel', { imageId, melanoma: false, diagnosis: 'nv' })).rejects.toMatchObject({
        code: 'conflict',
      });
      await call('saveLabel', { imageId, melanoma: false, diagnosis: 'nv', overwrite: true });
      expect(library.labels.current(imageId)).toMatchObject({
        melanoma: false,
        diagnosis: 'nv',
        confirmedBy: null,
      });
      expect(library.labels.history(imageId)).toHaveLength(history.length + 2);
    } finally {
      library.close();
    }
  }, 120_000);

  it('refuses to roll back to a model the promotion gate rejected, from the window and the CLI', async () => {
    const dataDir = await fixtureLibrary();
    const library = openLibrary(dataDir);
    try {
      const shipped = ensureShippedDefault(library, resourcePaths().defaultModelDir);
      const artifact = readShippedModel(resourcePaths().defaultModelDir);
      const rejected = registerModel(
        library,
        {
          ...artifact,
          version: 'head-rejected-1',
          provenance: { ...artifact.provenance, parentVersion: shipped.version },
        },
        'rejected',
        resourcePaths().defaultModelDir,
      );
      library.audit.record('dr-test', 'model.reject', `model:${rejected.version}`, {
        candidateAuc: 0.8123,
        activeAuc: 0.9027,
      });
      const call = channelsOver(library);
      const reason =
        /^Model head-rejected-1 was rejected by the promotion gate \(validation AUC 0\.8123 against 0\.9027 for the active model then\); a rejected model cannot be made active/;
      await expect(call('startRollback', { version: 'head-rejected-1' })).rejects.toThrow(reason);
      expect(library.models.active()?.version).toBe(shipped.version);
    } finally {
      library.close();
    }
    const cli = await runTriage(['models', 'rollback', 'head-rejected-1', '--data-dir', dataDir]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(
      /^triage: Model head-rejected-1 was rejected by the promotion gate \(validation AUC 0\.8123/,
    );
    const reopened = openLibrary(dataDir);
    try {
      expect(reopened.models.byVersion('head-rejected-1')?.status).toBe('rejected');
      expect(reopened.audit.list(5).some((entry) => entry.action === 'model.rollback')).toBe(false);
    } finally {
      reopened.close();
    }
  }, 120_000);
});
