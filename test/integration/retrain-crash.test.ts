import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectLibrary } from '../helpers/library-checks';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { runTriage, spawnTriage } from '../helpers/triage-cli';

const KILLS = 6;

interface Snapshot {
  labels: unknown[];
  active: Array<{ version: string; artifact_path: string }>;
}

function snapshot(dataDir: string): Snapshot {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return {
      labels: db.prepare('SELECT * FROM labels ORDER BY id').all(),
      active: db
        .prepare(`SELECT version, artifact_path FROM models WHERE status = 'active'`)
        .all() as Snapshot['active'],
    };
  } finally {
    db.close();
  }
}

/**
 * `triage retrain` killed with SIGKILL at points spread over a whole retraining: the active model and every
 * label must come through each kill intact, and the next retraining must complete.
 */
describe('a retraining killed with SIGKILL', () => {
  let root = '';
  let dataDir = '';
  let retrainMs = 0;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-retrain-crash-'));
    dataDir = path.join(root, 'library');
    const d = ['--data-dir', dataDir];
    expect((await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', ...d])).code).toBe(0);
    const labels = path.join(root, 'labels.csv');
    fs.writeFileSync(
      labels,
      'image,diagnosis,confirmed_by\nISIC_0024310,mel,histo\nISIC_0024306,nv,follow_up\n',
    );
    expect((await runTriage(['labels', 'import', labels, ...d])).code).toBe(0);
    const started = performance.now();
    const first = await runTriage(['retrain', ...d, '--json']);
    retrainMs = performance.now() - started;
    expect(first.code, first.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (let kill = 0; kill < KILLS; kill++) {
    it(`keeps the active model and every label through kill ${kill + 1} of ${KILLS}`, async () => {
      const before = snapshot(dataDir);
      expect(before.active).toHaveLength(1);
      const delay = Math.round(((kill + Math.random()) / KILLS) * retrainMs);
      const context = `kill after ${delay} ms of a ${retrainMs.toFixed(0)} ms retraining`;
      const child = spawnTriage(['retrain', '--data-dir', dataDir, '--json']);
      child.stdout?.resume();
      child.stderr?.resume();
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await new Promise((resolve) => child.on('close', resolve));
      clearTimeout(timer);

      const after = snapshot(dataDir);
      expect(after.labels, context).toEqual(before.labels);
      expect(after.active, context).toHaveLength(1);
      const active = after.active[0] as Snapshot['active'][number];
      const file = path.join(dataDir, active.artifact_path, 'model.json');
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).version, context).toBe(active.version);
      expect(inspectLibrary(dataDir).integrity, context).toBe('ok');

      const next = await runTriage(['retrain', '--data-dir', dataDir, '--json']);
      expect(next.code, `${context}; the next retraining: ${next.stderr}`).toBe(0);
      const runs = new Database(path.join(dataDir, 'library.db'), { readonly: true });
      try {
        expect(
          runs.prepare(`SELECT count(*) FROM training_runs WHERE status = 'running'`).pluck().get(),
        ).toBe(0);
      } finally {
        runs.close();
      }
    }, 180_000);
  }
});
