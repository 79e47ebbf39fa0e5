/**
 * The import's guards against data-entry mistakes, on real libraries and real photographs: the window's
 * job refuses a patient it was not asked to create and a malformed study date, stores the date it is
 * given, and a photograph already stored for another patient is a warning naming both patients and the
 * file, in the job's summary and in the real CLI's report (text and --json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiCalls, type ApiCallName, type ApiResponse } from '../../src/api/contract';
import { JobEventSchema, type JobEvent } from '../../src/api/jobs';
import { createApiHandlers, createChannelHandlers } from '../../src/main/api-handlers';
import { importFolders } from '../../src/main/importer/import-folders';
import type { ImportReport } from '../../src/main/importer/report';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary, type Library } from '../../src/main/library';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';
import { runTriage } from '../helpers/triage-cli';

const tmp = useTempDirs();
const SHARED_PHOTO = 'ISIC_0024306.jpg';

/** A library whose patient P-A has the HAM fixtures, and a folder holding a copy of one of them. */
async function libraryWithCopy(): Promise<{ dataDir: string; copyFolder: string; copy: string }> {
  const dataDir = tmp();
  const library = openLibrary(dataDir);
  await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-A', study: 'visit 1', actor: 'test' });
  library.close();
  const copyFolder = tmp();
  const copy = path.join(copyFolder, 'renamed.jpg');
  fs.copyFileSync(path.join(HAM_FIXTURES, SHARED_PHOTO), copy);
  return { dataDir, copyFolder, copy };
}

/** The window's API on `library`, the folder dialog answering `folder`, and each job's finished event. */
function windowApi(library: Library, folder: string) {
  const events: JobEvent[] = [];
  const services = servicesFor(library);
  const jobs = new JobRunner(services, (event) => events.push(JobEventSchema.parse(event)));
  const choose = { folders: () => Promise.resolve([folder]), manifest: () => Promise.resolve(null) };
  const channels = createChannelHandlers(createApiHandlers({ services, jobs, choose }));
  const call = <K extends ApiCallName>(name: K, request: unknown): Promise<ApiResponse<K>> =>
    channels.get(apiCalls[name].channel)!(request) as Promise<ApiResponse<K>>;
  const finished = async (id: number) => {
    await expect
      .poll(() => events.some((e) => e.type === 'finished' && e.id === id), { timeout: 60_000 })
      .toBe(true);
    return events.find((e) => e.type === 'finished' && e.id === id) as Extract<
      JobEvent,
      { type: 'finished' }
    >;
  };
  return { call, finished };
}

describe('the import job of the window', () => {
  it('refuses an unknown patient unless asked to create it, and a date that is not YYYY-MM-DD', async () => {
    const { dataDir, copyFolder } = await libraryWithCopy();
    const library = openLibrary(dataDir);
    try {
      const { call, finished } = windowApi(library, copyFolder);
      await call('chooseFolders', undefined);
      await expect(call('startImport', { folders: [copyFolder], patient: 'P-AA' })).rejects.toThrow(
        'No patient "P-AA" in the library: choose an existing patient, or ask to create it.',
      );
      for (const studyDate of ['14/03/2026', '2026-02-30']) {
        await expect(
          call('startImport', { folders: [copyFolder], patient: 'P-A', studyDate }),
        ).rejects.toThrow(/studyDate/);
      }
      expect(library.patients.listPatients().map((p) => p.code)).toEqual(['P-A']);

      const { jobId } = await call('startImport', {
        folders: [copyFolder],
        patient: 'P-B',
        createPatient: true,
        study: 'visit 2',
        studyDate: '2026-03-14',
      });
      const done = await finished(jobId);
      expect(done.outcome).toBe('done');
      const [study] = library.patients.listStudies('P-B');
      expect(study).toMatchObject({ name: 'visit 2', studyDate: '2026-03-14' });
      expect(done.import).toMatchObject({
        patient: 'P-B',
        study: 'visit 2',
        studyId: study?.id,
        duplicates: 1,
      });
    } finally {
      library.close();
    }
  });

  it('warns, naming both patients and the file, when a photograph is already stored for another patient', async () => {
    const { dataDir, copyFolder, copy } = await libraryWithCopy();
    const library = openLibrary(dataDir);
    try {
      library.patients.ensurePatient('P-B');
      const { call, finished } = windowApi(library, copyFolder);
      await call('chooseFolders', undefined);
      const done = await finished(
        (await call('startImport', { folders: [copyFolder], patient: 'P-B' })).jobId,
      );
      const original = path.join(HAM_FIXTURES, SHARED_PHOTO);
      expect(done.import?.files).toEqual([
        {
          path: copy,
          status: 'duplicate',
          reason: `the same image as ${original} of patient P-A`,
          otherPatient: 'P-A',
        },
      ]);
      expect(done.import?.warnings).toEqual([
        `${copy}, imported for patient P-B, is the same photograph as ${original} of patient P-A: ` +
          'check that the two patients are not mixed up',
      ]);
    } finally {
      library.close();
    }
  });
});

describe('triage import', () => {
  it('reports a photograph of another patient as a warning in text and in --json, and still creates the patient', async () => {
    const { dataDir, copyFolder, copy } = await libraryWithCopy();
    const original = path.join(HAM_FIXTURES, SHARED_PHOTO);
    const args = ['import', copyFolder, '--patient', 'P-B', '--data-dir', dataDir, '--no-rank'];
    const text = await runTriage(args);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`  duplicate  ${copy}: same image as ${original} (image `);
    expect(text.stdout).toContain(', patient P-A)');
    expect(text.stdout).toContain(
      `  warning    ${copy}, imported for patient P-B, is the same photograph as ${original} of patient P-A`,
    );

    // Again into a third patient, for the JSON: the duplicate is still of P-A's photograph.
    const json = await runTriage([...args.slice(0, 3), 'P-C', ...args.slice(4), '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as ImportReport;
    expect(report.files).toEqual([
      {
        path: copy,
        status: 'duplicate',
        imageId: expect.any(Number) as number,
        duplicateOf: original,
        patient: 'P-C',
        otherPatient: 'P-A',
      },
    ]);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/imported for patient P-C, .* of patient P-A: check/);
  });

  it('refuses a --date that is not a calendar date, naming it, and writes nothing', async () => {
    const { dataDir, copyFolder } = await libraryWithCopy();
    const result = await runTriage([
      'import',
      copyFolder,
      '--patient',
      'P-B',
      '--date',
      '2026-13-01',
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('The study date "2026-13-01" is not a calendar date written YYYY-MM-DD.');
    const library = openLibrary(dataDir);
    expect(library.patients.listPatients().map((p) => p.code)).toEqual(['P-A']);
    library.close();
  });
});
