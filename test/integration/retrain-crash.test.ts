import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aimedKill,
  describeAttempt,
  describeDurations,
  landedSummary,
  phaseDurations,
  planKills,
  runWatched,
  type KillPlan,
  type KillRecord,
} from '../helpers/phase-kills';
import {
  expectIntactAfterKill,
  expectNoRunningRun,
  labeledFixtureLibrary,
  retrainingSnapshot,
  type RetrainingSnapshot,
} from '../helpers/retrain-kills';
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
  let plans: KillPlan[] = [];
  const records: KillRecord[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-retrain-crash-'));
    dataDir = await labeledFixtureLibrary(root);
    const first = await runWatched(retrain(dataDir));
    expect(first.code, first.stderr).toBe(0);
    measured = phaseDurations(first);
    plans = planKills(measured, KILLS, KILL_SEED);
    console.log(`measured retraining phases: ${describeDurations(measured)}`);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (let kill = 0; kill < KILLS; kill++) {
    it(`keeps the active model and every label through a kill inside a phase (${kill + 1} of ${KILLS})`, async () => {
      const plan = plans[kill] as KillPlan;
      let before: RetrainingSnapshot;
      const record = await aimedKill({
        plan,
        measuredMs: measured.get(plan.phase) as number,
        maxAttempts: MAX_ATTEMPTS,
        spawn: () => retrain(dataDir),
        prepare: () => {
          before = retrainingSnapshot(dataDir);
          expect(before.active).toHaveLength(1);
        },
        afterChild: async (_attempt, context) => {
          console.log(context);
          expectIntactAfterKill(dataDir, before, context);
          const next = await runWatched(retrain(dataDir));
          expect(next.code, `${context}; the next retraining: ${next.stderr}`).toBe(0);
          expectNoRunningRun(dataDir);
        },
      });
      records.push(record);
      const last = record.attempts.at(-1);
      expect(
        record.landed,
        last &&
          `no kill landed in ${plan.phase} in ${record.attempts.length} children; the last: ${describeAttempt(plan, last, record.attempts.length)}`,
      ).toBe(true);
    }, 180_000);
  }

  it('landed every intended kill inside a running phase', () => {
    const summary = landedSummary(records, KILLS);
    console.log(summary);
    expect(
      records.filter((r) => r.landed),
      summary,
    ).toHaveLength(KILLS);
  });
});
