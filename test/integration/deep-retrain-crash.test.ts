import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectLibrary } from '../helpers/library-checks';
import { smallResources } from '../helpers/small-resources';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { runTriage } from '../helpers/triage-cli';

const KILLS = 4;
const CHILD = path.join(__dirname, '..', 'helpers', 'deep-retrain-child.ts');

function deepRetrain(dataDir: string, resources: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, resources], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finished(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

function snapshot(dataDir: string): {
  labels: unknown[];
  active: Array<{ version: string; artifact_path: string }>;
} {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return {
      labels: db.prepare('SELECT * FROM labels ORDER BY id').all(),
      active: db.prepare(`SELECT version, artifact_path FROM models WHERE status = 'active'`).all() as Array<{
        version: string;
        artifact_path: string;
      }>,
    };
  } finally {
    db.close();
  }
}

/**
 * A deep retraining killed with SIGKILL at points spread over a whole run, half of them while the shipped
 * images' activations are being written: the active model, every label and the activation cache must
 * come through, and the next deep retraining must complete.
 */
describe('a deep retraining killed with SIGKILL', () => {
  let root = '';
  let dataDir = '';
  let resources = '';
  let cacheDir = '';
  let runMs = 0;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-deep-crash-'));
    dataDir = path.join(root, 'library');
    resources = smallResources(root).root;
    cacheDir = path.join(dataDir, 'cache', 'activations');
    const d = ['--data-dir', dataDir];
    expect((await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', ...d])).code).toBe(0);
    const labels = path.join(root, 'labels.csv');
    fs.writeFileSync(
      labels,
      'image,diagnosis,confirmed_by\nISIC_0024310,mel,histo\nISIC_0024306,nv,follow_up\n',
    );
    expect((await runTriage(['labels', 'import', labels, ...d])).code).toBe(0);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const started = performance.now();
    const first = await finished(deepRetrain(dataDir, resources));
    runMs = performance.now() - started;
    expect(first.code, first.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (let kill = 0; kill < KILLS; kill++) {
    it(`keeps the active model, every label and the activation cache through kill ${kill + 1} of ${KILLS}`, async () => {
      // Every other kill starts without the shipped activations, so it can land while they are written.
      if (kill % 2 === 0) fs.rmSync(cacheDir, { recursive: true, force: true });
      const before = snapshot(dataDir);
      expect(before.active).toHaveLength(1);
      const delay = Math.round(((kill + Math.random()) / KILLS) * runMs);
      const context = `kill after ${delay} ms of a ${runMs.toFixed(0)} ms deep retraining`;
      const child = deepRetrain(dataDir, resources);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await finished(child);
      clearTimeout(timer);

      const after = snapshot(dataDir);
      expect(after.labels, context).toEqual(before.labels);
      expect(after.active, context).toHaveLength(1);
      const active = after.active[0]!;
      const file = path.join(dataDir, active.artifact_path, 'model.json');
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).version, context).toBe(active.version);
      expect(inspectLibrary(dataDir).integrity, context).toBe('ok');

      const next = await finished(deepRetrain(dataDir, resources));
      expect(next.code, `${context}; the next deep retraining: ${next.stderr}`).toBe(0);
      // What the killed run left is gone; the shipped activations are whole (one file, no temporary).
      expect(fs.readdirSync(cacheDir), context).toEqual([expect.stringMatching(/-ham10000-72\.f16$/)]);
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
