import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls, type ApiCallName } from '../../src/api/contract';
import { createApiHandlers, createChannelHandlers } from '../../src/main/api-handlers';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary, type Library } from '../../src/main/library';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { runTriage, type CliResult } from '../helpers/triage-cli';

/**
 * The window's adapter (the validated IPC channel handlers) and the CLI's (`triage … --json` in its own
 * process) over the same services: the same calls on two copies of one library give the same answers,
 * the same errors and the same rows, audit included. And a label whose audit row cannot be written is
 * not kept, from either side.
 */
const ACTOR = 'dr-same';
let root = '';
let windowDir = '';
let cliDir = '';
let library: Library;
let channels: ReturnType<typeof createChannelHandlers>;

function call(name: ApiCallName, request: unknown): Promise<unknown> {
  const handle = channels.get(apiCalls[name].channel);
  if (!handle) throw new Error(`${name} is not wired`);
  return handle(request);
}

/** `triage <args> --json` on the CLI's copy: its JSON answer, or its error. */
async function triage(...args: string[]): Promise<{ result: CliResult; json: unknown }> {
  const result = await runTriage([...args, '--data-dir', cliDir, '--json']);
  return { result, json: JSON.parse(result.stdout) as unknown };
}

/** What a change leaves in a library, less the times and the row ids the clock and SQLite choose. */
function rows(dataDir: string): { labels: unknown[]; audit: unknown[] } {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return {
      labels: db
        .prepare(
          `SELECT image_id, melanoma, diagnosis, confirmed_by, confirmed_at, labeled_by, note
             FROM labels ORDER BY id`,
        )
        .all(),
      audit: db
        .prepare(`SELECT actor, action, subject, details FROM audit_log ORDER BY id`)
        .all()
        .map((row) => ({ ...(row as object), details: JSON.parse((row as { details: string }).details) })),
    };
  } finally {
    db.close();
  }
}

/** Answers compared field by field, less the times stamped when each side wrote. */
const untimed = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    /At$/.test(key) && key !== 'confirmedAt' ? '<time>' : v,
  );

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-adapters-'));
  const base = path.join(root, 'base');
  const imported = await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', '--data-dir', base]);
  expect(imported.code, imported.stderr).toBe(0);
  windowDir = path.join(root, 'window');
  cliDir = path.join(root, 'cli');
  fs.cpSync(base, windowDir, { recursive: true });
  fs.cpSync(base, cliDir, { recursive: true });
  library = openLibrary(windowDir);
  const services = servicesFor(library, { actor: ACTOR });
  channels = createChannelHandlers(
    createApiHandlers({
      services,
      jobs: new JobRunner(services, () => undefined),
      choose: { folders: () => Promise.resolve([]), manifest: () => Promise.resolve(null) },
    }),
  );
}, 180_000);

afterAll(() => {
  library?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('the window and the CLI over the same services', () => {
  it('give the same answers, the same errors and the same rows for the same calls', async () => {
    const ids = library.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
    const [first, second] = ids.map(String) as [string, string];
    // The same call to each side in turn: each CLI call sees the one before it, as each window call does.
    const calls: Array<[ApiCallName, unknown, string[]]> = [
      ['patients', undefined, ['patients']],
      ['studies', { patient: 'P-1' }, ['studies', '--patient', 'P-1']],
      [
        'saveLabel',
        {
          imageId: Number(first),
          melanoma: true,
          diagnosis: 'mel',
          confirmedBy: 'histopathology',
          confirmedAt: '2026-11-30',
        },
        [
          'label',
          first,
          '--melanoma',
          'yes',
          '--diagnosis',
          'mel',
          '--confirmed-by',
          'histopathology',
          '--date',
          '2026-11-30',
        ],
      ],
      [
        'saveLabel',
        { imageId: Number(second), melanoma: false, diagnosis: 'nv', note: 'follow up' },
        ['label', second, '--melanoma', 'no', '--diagnosis', 'nv', '--note', 'follow up'],
      ],
      ['withdrawLabel', { imageId: Number(second) }, ['unlabel', second]],
      ['withdrawLabel', { imageId: Number(second) }, ['unlabel', second]],
      ['updateSetting', { key: 'targetSensitivity', value: 0.97 }, ['settings', 'targetSensitivity', '0.97']],
      ['patients', undefined, ['patients']],
    ];
    for (const [name, request, args] of calls) {
      const fromWindow = await call(name, request);
      const withActor = name === 'patients' || name === 'studies' ? args : [...args, '--by', ACTOR];
      const fromCli = await triage(...withActor);
      expect(untimed(fromCli.json), `${name} / triage ${args.join(' ')}`).toEqual(untimed(fromWindow));
    }

    const refused = await call('updateSetting', { key: 'targetSensitivity', value: 2 }).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    const cliRefused = await triage('settings', 'targetSensitivity', '2', '--by', ACTOR);
    expect(cliRefused.result.code).toBe(2);
    expect(cliRefused.json).toEqual({ error: refused });
    expect(refused).toBe('targetSensitivity must be a number from 0.5 to 0.999, not 2');

    const inWindow = rows(windowDir);
    expect(rows(cliDir)).toEqual(inWindow);
    expect(inWindow.audit.slice(-4)).toEqual([
      { actor: ACTOR, action: 'label.add', subject: `image:${first}`, details: { melanoma: true } },
      { actor: ACTOR, action: 'label.add', subject: `image:${second}`, details: { melanoma: false } },
      { actor: ACTOR, action: 'label.withdraw', subject: `image:${second}`, details: null },
      { actor: ACTOR, action: 'settings.set', subject: 'targetSensitivity', details: { value: 0.97 } },
    ]);
  }, 180_000);

  it('keep no label whose audit row could not be written, from either side', async () => {
    const failAudit = (dataDir: string): void => {
      const db = new Database(path.join(dataDir, 'library.db'));
      db.exec(`CREATE TRIGGER audit_unwritable BEFORE INSERT ON audit_log
               BEGIN SELECT RAISE(ABORT, 'the audit log is unwritable'); END`);
      db.close();
    };
    failAudit(windowDir);
    failAudit(cliDir);
    const imageId = library.db.prepare('SELECT max(id) FROM images').pluck().get() as number;
    const before = { window: rows(windowDir).labels, cli: rows(cliDir).labels };

    await expect(call('saveLabel', { imageId, melanoma: true, diagnosis: 'mel' })).rejects.toThrow(
      'the audit log is unwritable',
    );
    const cli = await runTriage(['label', String(imageId), '--melanoma', 'yes', '--data-dir', cliDir]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('the audit log is unwritable');

    expect(rows(windowDir).labels).toEqual(before.window);
    expect(rows(cliDir).labels).toEqual(before.cli);
    expect(library.labels.current(imageId)).toBeUndefined();
  }, 60_000);
});
