import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls, type ApiCallName, type ApiRequest, type ApiResponse } from '../../src/api/contract';
import { createApiHandlers, createChannelHandlers } from '../../src/main/api-handlers';
import { rankCurrent } from '../../src/main/triage/model-session';
import { importFolders } from '../../src/main/importer/import-folders';
import { openLibrary, type Library } from '../../src/main/library';
import { activeModel } from '../../src/main/model/artifacts/registry';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES, SHARED_HAM } from '../helpers/temp-dirs';
import { JobEventSchema, type JobEvent } from '../../src/api/jobs';
import { JobRunner } from '../../src/main/jobs/job-runner';

/**
 * The renderer's API over a real, ranked library, called the way IPC calls it: through the validated
 * channel handlers, with untrusted payloads.
 */
let root = '';
let library: Library;
let channels: ReturnType<typeof createChannelHandlers>;
let newFolder = '';
const events: JobEvent[] = [];
const SHARED_IMAGES = path.join(SHARED_HAM, 'images');

/** Resolves with the finished event of job `id`. */
async function finished(id: number): Promise<Extract<JobEvent, { type: 'finished' }>> {
  await expect
    .poll(() => events.some((e) => e.type === 'finished' && e.id === id), { timeout: 120_000, interval: 200 })
    .toBe(true);
  return events.find((e) => e.type === 'finished' && e.id === id) as Extract<JobEvent, { type: 'finished' }>;
}

function call<K extends ApiCallName>(name: K, request: ApiRequest<K> | unknown): Promise<ApiResponse<K>> {
  const handle = channels.get(apiCalls[name].channel);
  if (!handle) throw new Error(`${name} is not wired`);
  return handle(request) as Promise<ApiResponse<K>>;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-api-'));
  library = openLibrary(path.join(root, 'library'));
  await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-7', study: 'visit 1', actor: 'test' });
  await rankCurrent(library);
  newFolder = path.join(root, 'new photos');
  fs.mkdirSync(newFolder);
  fs.copyFileSync(path.join(SHARED_IMAGES, 'ISIC_0024311.jpg'), path.join(newFolder, 'ISIC_0024311.jpg'));
  fs.copyFileSync(path.join(SHARED_IMAGES, 'ISIC_0024312.jpg'), path.join(newFolder, 'ISIC_0024312.jpg'));
  fs.writeFileSync(path.join(newFolder, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
  const services = servicesFor(library);
  const jobs = new JobRunner(services, (event) => events.push(JobEventSchema.parse(event)));
  const choose = { folders: () => Promise.resolve([newFolder]), manifest: () => Promise.resolve(null) };
  channels = createChannelHandlers(createApiHandlers({ services, jobs, choose }));
}, 120_000);

afterAll(() => {
  library?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('the API on a ranked library', () => {
  it('lists patients and studies with their counts', async () => {
    expect(await call('patients', undefined)).toMatchObject([
      { code: 'P-7', studies: 1, images: 4, labeled: 0 },
    ]);
    expect(await call('studies', { patient: 'P-7' })).toMatchObject([{ name: 'visit 1', images: 4 }]);
    expect(await call('studies', { patient: 'nobody' })).toEqual([]);
    const { record, artifact } = activeModel(library);
    const suspicious = library.db
      .prepare('SELECT count(*) FROM predictions WHERE model_id = ? AND probability >= ?')
      .pluck()
      .get(record.id, artifact.threshold) as number;
    expect((await call('patients', undefined))[0]?.suspicious).toBe(suspicious);
    expect((await call('studies', { patient: 'P-7' }))[0]?.suspicious).toBe(suspicious);
  });

  it('creates and renames patients and studies, refusing names already taken', async () => {
    const { id, created } = await call('createPatient', { code: '  P-9 ' });
    expect(created).toBe(true);
    expect((await call('createPatient', { code: 'P-9' })).created).toBe(false);
    await expect(call('renamePatient', { id, code: 'P-7' })).rejects.toThrow(
      'Another patient already has the id P-7.',
    );
    await call('renamePatient', { id, code: 'P-10' });
    const study = await call('createStudy', { patientId: id, name: 'baseline' });
    await call('createStudy', { patientId: id, name: 'follow-up' });
    await expect(call('renameStudy', { id: study.id, name: 'follow-up' })).rejects.toThrow(
      /already has a study named/,
    );
    await call('renameStudy', { id: study.id, name: 'first visit' });
    expect((await call('studies', { patient: 'P-10' })).map((s) => s.name).sort()).toEqual([
      'first visit',
      'follow-up',
    ]);
    await expect(call('createStudy', { patientId: 9999, name: 'x' })).rejects.toThrow(
      /No patient with id 9999/,
    );
    await expect(call('renamePatient', { id, code: '   ' })).rejects.toThrow(
      /renamePatient: invalid request/,
    );
  });

  it('pages the ranked queue, most suspicious first, with the active model and threshold', async () => {
    const page = await call('queue', { order: 'probability', limit: 10 });
    expect(page.model).toBe(library.models.active()?.version);
    expect(page.entries).toHaveLength(4);
    const probabilities = page.entries.map((e) => e.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    page.entries.forEach((e) => expect(e.suspicious).toBe(e.probability >= page.threshold));
    const second = await call('queue', { order: 'probability', offset: 1, limit: 2 });
    expect(second.entries.map((e) => e.imageId)).toEqual(page.entries.slice(1, 3).map((e) => e.imageId));
  });

  it('shows an image with its probability, and saves labels as the signed-in user', async () => {
    const [top] = (await call('queue', { order: 'probability', limit: 1 })).entries;
    const detail = await call('imageDetail', { imageId: top!.imageId });
    expect(detail).toMatchObject({ id: top!.imageId, patient: 'P-7', study: 'visit 1', labels: [] });
    expect(detail.prediction?.probability).toBeCloseTo(top!.probability, 6);

    const label = {
      imageId: top!.imageId,
      melanoma: true,
      diagnosis: 'mel',
      confirmedBy: 'histopathology',
    } as const;
    const saved = await call('saveLabel', label);
    expect(saved).toMatchObject({ added: true, label: { ...label, labeledBy: 'dr-test' } });
    expect((await call('saveLabel', label)).added).toBe(false);
    // Flipping a histopathology melanoma needs the window's explicit confirmation (overwrite).
    const flip = { imageId: top!.imageId, melanoma: false, diagnosis: 'nv' } as const;
    await expect(call('saveLabel', flip)).rejects.toThrow(/needs confirmation because it says not melanoma/);
    const relabeled = await call('saveLabel', { ...flip, overwrite: true });
    expect(relabeled.added).toBe(true);
    const history = (await call('imageDetail', { imageId: top!.imageId })).labels;
    expect(history.map((l) => l.diagnosis)).toEqual(['mel', 'nv']);
    const labeled = await call('queue', { order: 'probability', labeled: true, limit: 10 });
    expect(labeled.entries.map((e) => [e.imageId, e.melanoma])).toEqual([[top!.imageId, false]]);
    expect(
      library.audit.list().filter((a) => a.action === 'label.add' && a.actor === 'dr-test'),
    ).toHaveLength(2);
  });

  it('refuses malformed calls before they reach the library, naming the field', async () => {
    const before = library.info();
    await expect(call('queue', { order: 'probability', limit: 0 })).rejects.toThrow(
      /queue: invalid request.*limit/s,
    );
    await expect(
      call('queue', { order: 'probability', limit: 10, sql: 'DROP TABLE images' }),
    ).rejects.toThrow(/queue: invalid request.*sql/s);
    await expect(call('saveLabel', { imageId: 1, melanoma: 'yes' })).rejects.toThrow(
      /saveLabel: invalid request/,
    );
    await expect(
      call('saveLabel', { imageId: 1, melanoma: true, labeledBy: 'someone else' }),
    ).rejects.toThrow(/labeledBy/);
    await expect(call('saveLabel', { imageId: 1, melanoma: false, diagnosis: 'mel' })).rejects.toThrow(
      /disagree/,
    );
    await expect(call('saveLabel', { imageId: 999, melanoma: true })).rejects.toThrow(/No image with id 999/);
    await expect(call('imageDetail', { imageId: -1 })).rejects.toThrow(/imageDetail: invalid request/);
    expect(library.info()).toEqual(before);
  });

  it('reads and changes settings within their ranges', async () => {
    expect((await call('settings', undefined)).targetSensitivity).toBe(0.95);
    const updated = await call('updateSetting', { key: 'targetSensitivity', value: 0.97 });
    expect(updated.targetSensitivity).toBe(0.97);
    await expect(call('updateSetting', { key: 'targetSensitivity', value: 2 })).rejects.toThrow(
      /targetSensitivity must be a number from 0.5 to 0.999/,
    );
    await expect(call('updateSetting', { key: 'backend', value: 'gpu' })).rejects.toThrow(
      /backend must be one of/,
    );
    await expect(call('updateSetting', { key: 'dataDir', value: '/' })).rejects.toThrow(/invalid request/);
    expect(library.settings.get('targetSensitivity')).toBe(0.97);
  });

  it('imports only folders chosen in the dialog, reporting progress, failures and the ranking', async () => {
    await expect(call('startImport', { folders: [newFolder], patient: 'P-8' })).rejects.toThrow(
      /was not chosen in a dialog/,
    );
    expect(await call('chooseFolders', undefined)).toEqual([newFolder]);
    await expect(call('startImport', { folders: ['/etc'], patient: 'P-8' })).rejects.toThrow(
      '/etc was not chosen in a dialog',
    );
    const { jobId } = await call('startImport', {
      folders: [newFolder],
      patient: 'P-8',
      createPatient: true,
      study: 'visit 2',
    });
    expect(await call('currentJob', undefined)).toEqual({ id: jobId, kind: 'import' });
    await expect(call('startRetrain', { depth: 'head' })).rejects.toThrow(/import is already running/);
    const done = await finished(jobId);
    expect(done).toMatchObject({
      kind: 'import',
      outcome: 'done',
      import: { imported: 2, failed: 1, ranked: 6 },
    });
    expect(done.import?.files).toEqual([
      { path: path.join(newFolder, 'broken.jpg'), status: 'failed', reason: expect.any(String) as string },
    ]);
    const progress = events.filter((e) => e.type === 'progress' && e.id === jobId);
    expect(progress.some((e) => e.type === 'progress' && e.phase === 'importing')).toBe(true);
    expect(progress.some((e) => e.type === 'progress' && e.phase === 'ranking')).toBe(true);
    expect(await call('currentJob', undefined)).toBeNull();
    expect((await call('queue', { order: 'probability', patient: 'P-8', limit: 10 })).entries).toHaveLength(
      2,
    );
  });

  it('retrains on the labels, reporting the promotion decision, and can be cancelled', async () => {
    const cancelledJob = (await call('startRetrain', { depth: 'head' })).jobId;
    expect((await call('cancelJob', { jobId: cancelledJob })).cancelled).toBe(true);
    expect((await call('cancelJob', { jobId: 999 })).cancelled).toBe(false);
    expect(await finished(cancelledJob)).toMatchObject({ kind: 'retrain', outcome: 'cancelled' });
    const models = library.models.list().length;

    const { jobId } = await call('startRetrain', { depth: 'head' });
    const done = await finished(jobId);
    expect(done).toMatchObject({ kind: 'retrain', outcome: 'done' });
    expect(done.retrain?.decision).toMatch(/^(promoted|rejected): validation AUC/);
    expect(library.models.list()).toHaveLength(models + 1);
    expect(events.some((e) => e.type === 'progress' && e.id === jobId && e.phase === 'training')).toBe(true);
  }, 180_000);

  it('lists the model versions with their reports, and rolls back as a job', async () => {
    const models = await call('models', undefined);
    const shipped = models.find((m) => m.parentVersion === null)!;
    expect(shipped.version).toMatch(/^default-ham10000-/);
    expect(models.filter((m) => m.status === 'active')).toHaveLength(1);
    const detail = await call('modelDetail', { version: shipped.version });
    expect(detail.validation?.roc.length).toBeGreaterThan(10);
    expect(detail.validation?.rocAuc).toBeCloseTo(shipped.auc!, 10);
    expect(detail.learningCurve.length).toBeGreaterThan(0);
    expect(detail.provenance.counts.images).toBe(10_015);
    await expect(call('modelDetail', { version: 'nope' })).rejects.toThrow(/No model version nope/);
    await expect(call('startRollback', { version: 'nope' })).rejects.toThrow(/No model version nope/);

    const { jobId } = await call('startRollback', { version: shipped.version });
    expect(await finished(jobId)).toMatchObject({
      kind: 'rollback',
      outcome: 'done',
      rollback: { active: shipped.version, rescored: 6 },
    });
    expect(library.models.active()?.version).toBe(shipped.version);
  }, 120_000);
});
