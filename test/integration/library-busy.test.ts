import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls } from '../../src/api/contract';
import { createApiHandlers, createChannelHandlers } from '../../src/main/api-handlers';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary } from '../../src/main/library';
import { WRITER_LOCK_FILE } from '../../src/main/library/writer-lock';
import { labeledFixtureLibrary } from '../helpers/retrain-kills';
import { servicesFor } from '../helpers/services';
import { smallResources } from '../helpers/small-resources';
import { runTriage } from '../helpers/triage-cli';

const CHILD = path.join(__dirname, '..', 'helpers', 'deep-retrain-child.ts');

/** A deep retraining in its own process, and a promise of the phase lines it prints and its end. */
function deepRetrain(dataDir: string, resources: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, resources], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let closed = false;
  const waiters: Array<() => void> = [];
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  const ended = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    }),
  );
  return {
    child,
    ended,
    stderr: () => stderr,
    alive: () => !closed,
    /** Resolves once the child has announced `phase`; rejects if it ends first. */
    phase: (phase: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (stderr.includes(`phase: ${phase}\n`)) resolve();
          else if (closed) reject(new Error(`ended before phase ${phase}: ${stderr}`));
          else waiters.push(check);
        };
        check();
      }),
  };
}

/** The window's channel handlers on the library in `dataDir`, as the app wires them, and its closing. */
function windowOn(dataDir: string): {
  call: (name: keyof typeof apiCalls, request: unknown) => Promise<unknown>;
  imageId: (fileName: string) => number;
  close: () => void;
} {
  const library = openLibrary(dataDir);
  const services = servicesFor(library, { actor: 'dr-window' });
  const channels = createChannelHandlers(
    createApiHandlers({
      services,
      jobs: new JobRunner(services, () => undefined),
      choose: { folders: () => Promise.resolve([]), manifest: () => Promise.resolve(null) },
    }),
  );
  return {
    call: (name, request) => channels.get(apiCalls[name].channel)!(request),
    imageId: (fileName) =>
      library.db.prepare('SELECT id FROM images WHERE original_name = ?').pluck().get(fileName) as number,
    close: () => library.close(),
  };
}

function trainingRuns(dataDir: string): Array<{ kind: string; status: string; error: string | null }> {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return db.prepare('SELECT kind, status, error FROM training_runs ORDER BY id').all() as Array<{
      kind: string;
      status: string;
      error: string | null;
    }>;
  } finally {
    db.close();
  }
}

/**
 * Two processes on one library: while a deep retraining holds the writer lock, another retraining (or
 * ranking) is refused at once, naming it, and labels still go in; a lock left by a killed run is
 * recovered by the next one, which then marks the killed run as abandoned.
 */
describe('one writer per library', () => {
  let root = '';
  let dataDir = '';
  let resources = '';

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-busy-'));
    dataDir = await labeledFixtureLibrary(root);
    resources = smallResources(root).root;
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('refuses a second long job while a deep retraining runs, and records a label meanwhile', async () => {
    // Without the shipped activations cached, the run spends seconds computing them first.
    fs.rmSync(path.join(dataDir, 'cache'), { recursive: true, force: true });
    const run = deepRetrain(dataDir, resources);
    await run.phase('activations');
    const pid = run.child.pid as number;

    const retrain = await runTriage(['retrain', '--data-dir', dataDir]);
    const rank = await runTriage(['rank', '--data-dir', dataDir, '--json']);
    const label = await runTriage(['label', 'ISIC_0024307', '--melanoma', 'no', '--data-dir', dataDir]);
    // The window on the same library: the same refusal in the same words, and its label goes in too.
    const window = windowOn(dataDir);
    let windowRefusal = '';
    let windowLabel: unknown;
    try {
      windowRefusal = await window.call('startRetrain', { depth: 'head' }).then(
        () => 'started',
        (error: Error) => error.message,
      );
      const imageId = window.imageId('ISIC_0024308.jpg');
      windowLabel = await window.call('saveLabel', { imageId, melanoma: true, diagnosis: 'mel' });
    } finally {
      window.close();
    }
    // The refusals mean something only if the deep retraining was still running when they came.
    expect(run.alive(), `the deep retraining ended too soon: ${run.stderr()}`).toBe(true);

    expect(retrain.code, retrain.stderr).toBe(2);
    expect(retrain.stderr).toMatch(
      new RegExp(`^triage: library busy: deep retraining running since \\S+ \\(pid ${pid}\\)\\n$`),
    );
    expect(rank.code, rank.stderr).toBe(2);
    expect(JSON.parse(rank.stdout).error).toMatch(/^library busy: deep retraining running since/);
    expect(label.code, label.stderr).toBe(0);
    expect(windowRefusal).toBe(JSON.parse(rank.stdout).error);
    expect(windowLabel).toMatchObject({ added: true, label: { melanoma: true, labeledBy: 'dr-window' } });

    expect(await run.ended, run.stderr()).toBe(0);
    expect(trainingRuns(dataDir)).toEqual([expect.objectContaining({ kind: 'deep', status: 'completed' })]);
    expect(fs.existsSync(path.join(dataDir, WRITER_LOCK_FILE))).toBe(false);
    const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
    try {
      const current = db
        .prepare(
          `SELECT l.melanoma FROM current_labels l JOIN images i ON i.id = l.image_id
           WHERE i.original_name = 'ISIC_0024307.jpg'`,
        )
        .get();
      expect(current).toEqual({ melanoma: 0 });
    } finally {
      db.close();
    }
  }, 300_000);

  it('recovers the lock of a retraining killed with SIGKILL, then completes', async () => {
    const run = deepRetrain(dataDir, resources);
    await run.phase('training');
    run.child.kill('SIGKILL');
    await run.ended;
    const left = JSON.parse(fs.readFileSync(path.join(dataDir, WRITER_LOCK_FILE), 'utf8'));
    expect(left).toMatchObject({ pid: run.child.pid, job: 'deep retraining' });
    expect(trainingRuns(dataDir).at(-1)).toMatchObject({ status: 'running' });

    const next = await runTriage(['retrain', '--data-dir', dataDir, '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(fs.existsSync(path.join(dataDir, WRITER_LOCK_FILE))).toBe(false);
    expect(trainingRuns(dataDir).map((r) => [r.kind, r.status, r.error])).toEqual([
      ['deep', 'completed', null],
      ['deep', 'failed', 'interrupted: the process ended'],
      ['head', 'completed', null],
    ]);
  }, 300_000);
});
