import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { describeDurations, phaseDurations, runWatched } from '../helpers/phase-kills';
import { aimedKillTests } from '../helpers/aimed-kill-tests';
import { labeledFixtureLibrary } from '../helpers/retrain-kills';
import { spawnTriage } from '../helpers/triage-cli';

const KILLS = 6;
/** Seeds where in its phase each kill goes: the same points every run. */
const KILL_SEED = 1606;
/** Children per planned kill: one whose phase ran shorter than measured is re-aimed at most twice. */
const MAX_ATTEMPTS = 3;

const retrain = (dataDir: string) => spawnTriage(['retrain', '--data-dir', dataDir, '--json']);

/**
 * `triage retrain` killed with SIGKILL inside each of its phases long enough to aim at (measured on a
 * loaded two-core machine: embedding 0.9–4.6 s, training 3.8–4.8 s, storing 40–140 ms, promoting
 * 7–240 ms, so the kills go to embedding and training): the active model and every label must come
 * through each kill intact, and the next retraining must complete.
 */
describe('a retraining killed with SIGKILL', () => {
  let root = '';
  let dataDir = '';
  let measured = new Map<string, number>();

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-retrain-crash-'));
    dataDir = await labeledFixtureLibrary(root);
    const first = await runWatched(retrain(dataDir));
    expect(first.code, first.stderr).toBe(0);
    measured = phaseDurations(first);
    console.log(`measured retraining phases: ${describeDurations(measured)}`);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  aimedKillTests({
    kills: KILLS,
    seed: KILL_SEED,
    maxAttempts: MAX_ATTEMPTS,
    keeps: 'keeps the active model and every label',
    timeoutMs: 180_000,
    dataDir: () => dataDir,
    measured: () => measured,
    spawn: () => retrain(dataDir),
    afterChild: async (context) => {
      const next = await runWatched(retrain(dataDir));
      expect(next.code, `${context}; the next retraining: ${next.stderr}`).toBe(0);
    },
  });
});
