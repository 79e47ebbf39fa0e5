import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectIntactAfterKill,
  expectNoRunningRun,
  labeledFixtureLibrary,
  retrainingSnapshot,
} from '../helpers/retrain-kills';
import { runTriage, spawnTriage } from '../helpers/triage-cli';

const KILLS = 6;

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
    dataDir = await labeledFixtureLibrary(root);
    const started = performance.now();
    const first = await runTriage(['retrain', '--data-dir', dataDir, '--json']);
    retrainMs = performance.now() - started;
    expect(first.code, first.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (let kill = 0; kill < KILLS; kill++) {
    it(`keeps the active model and every label through kill ${kill + 1} of ${KILLS}`, async () => {
      const before = retrainingSnapshot(dataDir);
      expect(before.active).toHaveLength(1);
      const delay = Math.round(((kill + Math.random()) / KILLS) * retrainMs);
      const context = `kill after ${delay} ms of a ${retrainMs.toFixed(0)} ms retraining`;
      const child = spawnTriage(['retrain', '--data-dir', dataDir, '--json']);
      child.stdout?.resume();
      child.stderr?.resume();
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await new Promise((resolve) => child.on('close', resolve));
      clearTimeout(timer);

      expectIntactAfterKill(dataDir, before, context);

      const next = await runTriage(['retrain', '--data-dir', dataDir, '--json']);
      expect(next.code, `${context}; the next retraining: ${next.stderr}`).toBe(0);
      expectNoRunningRun(dataDir);
    }, 180_000);
  }
});
