import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { apiCalls, type ApiResponse } from '../../src/api/contract';
import type { DIAGNOSES } from '../../src/api/labels';
import { createApiHandlers, createChannelHandlers } from '../../src/main/api-handlers';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary, type Library } from '../../src/main/library';
import { migrate } from '../../src/main/library/database';
import type { ModelRecord } from '../../src/main/library/models';
import type { QueueFilter, QueueOptions } from '../../src/main/library/predictions';
import { queuePlan } from '../../src/main/library/queue';
import { ensureShippedDefault } from '../../src/main/model/artifacts/registry';
import { resourcePaths } from '../../src/main/resources';
import { servicesFor } from '../helpers/services';
import { useTempDirs } from '../helpers/temp-dirs';

/**
 * The ranked queue read page by page from a real library file: 2,400 images over three patients, the
 * shipped model's threshold, probabilities with many ties and both extremes, labels given before and
 * after the images were scored, some of them changed or withdrawn. What the pages hold is checked against what the
 * test itself wrote.
 */
const IMAGES = 2400;
let root = '';
let library: Library;
let model: ModelRecord;

interface Truth {
  imageId: number;
  fileName: string;
  patient: string;
  studyId: number;
  study: string;
  probability: number;
  label: { melanoma: boolean; diagnosis: string | null; confirmedBy: string | null } | null;
}
const truth = new Map<number, Truth>();

/** A small deterministic generator: the same library on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

function addLabel(
  imageId: number,
  melanoma: boolean,
  diagnosis: (typeof DIAGNOSES)[number],
  confirmedBy?: 'histopathology',
): void {
  library.labels.add({
    imageId,
    melanoma,
    diagnosis,
    confirmedBy,
    labeledBy: 'test',
  });
  const row = truth.get(imageId)!;
  row.label = { melanoma, diagnosis, confirmedBy: confirmedBy ?? null };
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-queue-'));
  library = openLibrary(root);
  model = ensureShippedDefault(library, resourcePaths().defaultModelDir);
  const next = random(7);
  const studies: Array<{ id: number; name: string; patient: string }> = [];
  for (const code of ['P-1', 'P-2', 'P-3']) {
    const patient = library.patients.ensurePatient(code);
    for (const name of ['baseline', 'follow-up']) {
      studies.push({ id: library.patients.ensureStudy(patient.id, name).id, name, patient: code });
    }
  }
  // Ties on purpose (pages must split them consistently), the threshold itself, and values the
  // log-odds clamp makes equal.
  const pool = [0, 1e-9, 1e-7, 0.01, 0.05, model.threshold, 0.3, 0.5, 0.9, 0.9999999, 1];
  library.transaction(() => {
    for (let i = 0; i < IMAGES; i++) {
      const study = studies[Math.floor(next() * studies.length)]!;
      const fileName = `IMG_${String(i).padStart(5, '0')}.jpg`;
      const imageId = library.images.insert({
        studyId: study.id,
        sha256: i.toString(16).padStart(64, '0'),
        originalPath: `/photos/${fileName}`,
        originalName: fileName,
        format: 'jpeg',
        width: 10,
        height: 10,
        orientation: null,
        bytes: 100,
        capturedAt: null,
        bodySite: null,
        lesionId: null,
      });
      const probability =
        next() < 0.5 ? pool[Math.floor(next() * pool.length)]! : Math.round(next() * 1e4) / 1e4;
      truth.set(imageId, {
        imageId,
        fileName,
        patient: study.patient,
        studyId: study.id,
        study: study.name,
        probability,
        label: null,
      });
    }
  });
  const ids = [...truth.keys()];
  // Labels given before scoring reach the predictions as they are written...
  for (const id of ids.filter((_, i) => i % 7 === 0)) addLabel(id, id % 3 === 0, id % 3 === 0 ? 'mel' : 'nv');
  library.predictions.insert(
    model.id,
    ids,
    ids.map((id) => truth.get(id)!.probability),
  );
  // ...and those given after, or changed, reach them through the database's trigger.
  for (const id of ids.filter((_, i) => i % 11 === 0))
    addLabel(id, id % 2 === 0, id % 2 === 0 ? 'mel' : 'bkl');
  for (const id of ids.filter((_, i) => i % 77 === 0)) addLabel(id, false, 'df', 'histopathology');
  // Withdrawn labels leave their images unlabeled; some are then labeled again.
  for (const id of ids.filter((_, i) => i % 13 === 0)) withdrawLabel(id);
  for (const id of ids.filter((_, i) => i % 39 === 0)) addLabel(id, true, 'mel');
});

function withdrawLabel(imageId: number): void {
  library.labels.withdraw(imageId, 'test');
  truth.get(imageId)!.label = null;
}

afterAll(() => {
  library?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** The images a filter lets through, by the test's own record. */
function matching(filter: QueueFilter): Truth[] {
  return [...truth.values()].filter(
    (t) =>
      (filter.patient === undefined || t.patient === filter.patient) &&
      (filter.studyId === undefined || t.studyId === filter.studyId) &&
      (filter.labeled === undefined || (t.label !== null) === filter.labeled) &&
      (filter.melanoma === undefined || t.label?.melanoma === filter.melanoma) &&
      (filter.diagnosis === undefined || t.label?.diagnosis === filter.diagnosis) &&
      (filter.suspicious === undefined || t.probability >= model.threshold === filter.suspicious),
  );
}

/** Every entry of the queue, read `limit` at a time until a page comes back short. */
function walk(options: Omit<QueueOptions, 'modelId' | 'threshold' | 'offset'>): number[] {
  const ids: number[] = [];
  for (let offset = 0; ; offset += options.limit) {
    const page = library.predictions.queue({
      ...options,
      modelId: model.id,
      threshold: model.threshold,
      offset,
    });
    ids.push(...page.map((e) => e.imageId));
    if (page.length < options.limit) return ids;
  }
}

/**
 * "Label next" as one sort of the whole queue, the plain way: the reference the paged reading (which
 * sorts only what a page needs) must match exactly. Same SQLite, so the same log-odds to the last bit.
 */
function nearestFirst(ids: number[]): number[] {
  const logit = (x: string): string =>
    `ln(max(min(${x}, 0.999999), 0.000001) / (1 - max(min(${x}, 0.999999), 0.000001)))`;
  const sorted = library.db
    .prepare(
      `SELECT image_id FROM predictions WHERE model_id = @model
       ORDER BY abs(${logit('probability')} - ${logit('@t')}), abs(probability - @t), image_id`,
    )
    .pluck()
    .all({ model: model.id, t: model.threshold }) as number[];
  const wanted = new Set(ids);
  return sorted.filter((id) => wanted.has(id));
}

const FILTERS: QueueFilter[] = [
  {},
  { labeled: false },
  { labeled: true },
  { melanoma: true },
  { melanoma: false },
  { diagnosis: 'df' },
  { suspicious: true },
  { suspicious: false },
  { patient: 'P-2' },
  { studyId: 4 },
  { patient: 'P-1', labeled: false, suspicious: true },
];

describe('the ranked queue, paged', () => {
  it.each(FILTERS)(
    'most suspicious first, filtered by %o: pages in order, none repeated or missed',
    (filter) => {
      const expected = matching(filter)
        .sort((a, b) => b.probability - a.probability || a.imageId - b.imageId)
        .map((t) => t.imageId);
      expect(expected.length).toBeGreaterThan(0);
      expect(walk({ ...filter, order: 'probability', limit: 97 })).toEqual(expected);
      expect(
        library.predictions.queueTotal({ ...filter, modelId: model.id, threshold: model.threshold }),
      ).toBe(expected.length);
    },
  );

  it.each(FILTERS)('label next, filtered by %o: pages in order, none repeated or missed', (filter) => {
    const expected = nearestFirst(matching(filter).map((t) => t.imageId));
    expect(walk({ ...filter, order: 'uncertainty', limit: 113 })).toEqual(expected);
    // Reading from far in, as a jump of the scrollbar does, gives the same entries.
    const offset = Math.floor(expected.length * 0.8);
    const deep = library.predictions.queue({
      ...filter,
      order: 'uncertainty',
      modelId: model.id,
      threshold: model.threshold,
      offset,
      limit: 50,
    });
    expect(deep.map((e) => e.imageId)).toEqual(expected.slice(offset, offset + 50));
  });

  it('gives each entry its image, owner, probability, flag and current label', () => {
    const page = library.predictions.queue({
      order: 'probability',
      modelId: model.id,
      threshold: model.threshold,
      offset: 300,
      limit: 400,
    });
    expect(page).toHaveLength(400);
    for (const entry of page) {
      const t = truth.get(entry.imageId)!;
      expect(entry).toEqual({
        imageId: t.imageId,
        fileName: t.fileName,
        patient: t.patient,
        study: t.study,
        probability: t.probability,
        suspicious: t.probability >= model.threshold,
        melanoma: t.label?.melanoma ?? null,
        diagnosis: t.label?.diagnosis ?? null,
        confirmedBy: t.label?.confirmedBy ?? null,
      });
    }
    expect(page.some((e) => e.confirmedBy === 'histopathology')).toBe(true);
  });

  it('keeps labels on the ranking when the library is scored again', () => {
    const ids = [...truth.keys()];
    library.transaction(() => {
      library.predictions.clear(model.id);
      library.predictions.insert(
        model.id,
        ids,
        ids.map((id) => truth.get(id)!.probability),
      );
    });
    const expected = matching({ melanoma: true })
      .sort((a, b) => b.probability - a.probability || a.imageId - b.imageId)
      .map((t) => t.imageId);
    expect(walk({ melanoma: true, order: 'probability', limit: 500 })).toEqual(expected);
  });

  it('reads a page from the ranking index, neither scanning nor sorting the predictions', () => {
    const scope = { labeled: false, modelId: model.id, threshold: model.threshold, offset: 2000, limit: 100 };
    const byProbability = queuePlan(library.db, { ...scope, order: 'probability' });
    expect(byProbability).toContain('SEARCH pr USING COVERING INDEX predictions_rank (model_id=?)');
    expect(byProbability.filter((step) => /SCAN pr\b|TEMP B-TREE/.test(step))).toEqual([]);
    // "Label next" reads each side of the threshold along the index; it sorts only what the page needs.
    const nearestFirst = queuePlan(library.db, { ...scope, order: 'uncertainty' });
    expect(nearestFirst).toContain(
      'SEARCH pr USING COVERING INDEX predictions_rank (model_id=? AND probability>?)',
    );
    expect(nearestFirst).toContain(
      'SEARCH pr USING COVERING INDEX predictions_rank (model_id=? AND probability<?)',
    );
    expect(nearestFirst.filter((step) => /SCAN pr\b/.test(step))).toEqual([]);
  });
});

describe('the queue call', () => {
  function channel(): (request: unknown) => Promise<ApiResponse<'queue'>> {
    const services = servicesFor(library);
    const handlers = createApiHandlers({
      services,
      jobs: new JobRunner(services, () => undefined),
      choose: { folders: () => Promise.resolve([]), manifest: () => Promise.resolve(null) },
    });
    const handle = createChannelHandlers(handlers).get(apiCalls.queue.channel)!;
    return (request) => handle(request) as Promise<ApiResponse<'queue'>>;
  }

  it('answers a page with the total that matches the filters', async () => {
    const queue = channel();
    const first = await queue({ order: 'probability', labeled: false, limit: 1000 });
    expect(first).toMatchObject({ model: model.version, threshold: model.threshold });
    expect(first.total).toBe(matching({ labeled: false }).length);
    expect(first.entries).toHaveLength(1000);
    const last = await queue({ order: 'probability', labeled: false, offset: first.total - 10, limit: 1000 });
    expect(last.entries).toHaveLength(10);
    expect(last.total).toBe(first.total);
    const beyond = await queue({ order: 'probability', labeled: false, offset: first.total, limit: 10 });
    expect(beyond).toMatchObject({ total: first.total, entries: [] });
  });

  it.each([
    [{ limit: 0 }, /limit must be at least 1/],
    [{ limit: 1001 }, /a page holds at most 1000 entries/],
    [{ limit: 2.5 }, /limit must be a whole number/],
    [{ limit: 10, offset: -1 }, /offset must be 0 or more/],
    [{ limit: 10, offset: 0.5 }, /offset must be a whole number/],
    [{ limit: 10, offset: 10_000_001 }, /offset must be at most 10,000,000/],
    [{ limit: 10, offset: '20' }, /offset.*expected number/s],
    [{}, /limit.*expected number/s],
  ])('refuses %o, naming the field', async (bounds, message) => {
    await expect(channel()({ order: 'probability', ...bounds })).rejects.toThrow(/^queue: invalid request/);
    await expect(channel()({ order: 'probability', ...bounds })).rejects.toThrow(message);
  });
});

describe('migration 4', () => {
  const tmp = useTempDirs();

  it('puts the current labels of a version 3 library on its predictions, and keeps them there', () => {
    const dir = tmp();
    const file = path.join(dir, 'library.db');
    const old = new Database(file);
    migrate(old, file, 3);
    old.exec(`
      INSERT INTO patients (code, created_at) VALUES ('P-1', '2025-01-01');
      INSERT INTO studies (patient_id, name, created_at) VALUES (1, 'first', '2025-01-01');
      INSERT INTO models (version, kind, backbone, status, threshold, created_at)
        VALUES ('m1', 'head', 'b', 'active', 0.5, '2025-01-01');
    `);
    for (let i = 1; i <= 4; i++) {
      old
        .prepare(
          `INSERT INTO images (study_id, sha256, original_path, original_name, format, width, height, bytes, imported_at)
           VALUES (1, ?, ?, ?, 'jpeg', 4, 3, 10, '2025-01-01')`,
        )
        .run(String(i).repeat(64), `/p/${i}.jpg`, `${i}.jpg`);
      old
        .prepare(
          "INSERT INTO predictions (image_id, model_id, probability, created_at) VALUES (?, 1, ?, '2025-01-02')",
        )
        .run(i, i / 5);
    }
    // Image 2 was labeled melanoma, then not; image 3 melanoma; images 1 and 4 never.
    const label = old.prepare(
      "INSERT INTO labels (image_id, melanoma, diagnosis, labeled_by, labeled_at) VALUES (?, ?, ?, 'dr', '2025-01-03')",
    );
    label.run(2, 1, 'mel');
    label.run(2, 0, 'nv');
    label.run(3, 1, 'mel');
    old.close();

    const migrated = openLibrary(dir);
    try {
      const scope = { modelId: 1, threshold: 0.5 };
      const ids = (filter: QueueFilter): number[] =>
        migrated.predictions
          .queue({ ...scope, ...filter, order: 'probability', limit: 10 })
          .map((e) => e.imageId);
      expect(ids({})).toEqual([4, 3, 2, 1]);
      expect(ids({ labeled: false })).toEqual([4, 1]);
      expect(ids({ melanoma: true })).toEqual([3]);
      expect(ids({ melanoma: false })).toEqual([2]);
      expect(migrated.predictions.queue({ ...scope, order: 'probability', limit: 10 })[2]).toMatchObject({
        imageId: 2,
        melanoma: false,
        diagnosis: 'nv',
      });
      migrated.labels.add({ imageId: 4, melanoma: true, labeledBy: 'dr' });
      expect(ids({ labeled: false })).toEqual([1]);
      expect(ids({ melanoma: true })).toEqual([4, 3]);
      const indexes = migrated.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'predictions'")
        .pluck()
        .all();
      expect(indexes).toContain('predictions_rank');
      expect(indexes).not.toContain('predictions_model');
      expect(fs.existsSync(`${file}.v3.bak`)).toBe(true);
    } finally {
      migrated.close();
    }
  });
});
