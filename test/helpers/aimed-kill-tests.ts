import type { ChildProcess } from 'node:child_process';
import { expect, it } from 'vitest';
import {
  aimedKill,
  describeAttempt,
  landedSummary,
  planKills,
  type KillPlan,
  type KillRecord,
} from './phase-kills';
import {
  expectIntactAfterKill,
  expectNoRunningRun,
  retrainingSnapshot,
  type RetrainingSnapshot,
} from './retrain-kills';

export interface AimedKillSuite {
  kills: number;
  /** Seeds where in its phase each kill goes: the same points every run. */
  seed: number;
  /** Children per planned kill: one whose phase ran shorter than measured is re-aimed. */
  maxAttempts: number;
  /** What each test says the library keeps: `keeps the active model and every label`. */
  keeps: string;
  timeoutMs: number;
  /** The library's folder and the measured run's phase durations, once the suite's beforeAll has run. */
  dataDir: () => string;
  measured: () => Map<string, number>;
  spawn: () => ChildProcess;
  /** Readies the library for a child aimed at `plan` (after the snapshot is taken). */
  prepare?: (plan: KillPlan) => void | Promise<void>;
  /** After each child's intactness check: the next retraining, run to its end, and its own checks. */
  afterChild: (context: string) => Promise<void>;
}

/**
 * One test per planned kill, each killing children as aimedKill does until one lands and checking the
 * library after every child, then a test that fails unless every intended kill landed.
 */
export function aimedKillTests(suite: AimedKillSuite): void {
  const records: KillRecord[] = [];
  for (let kill = 0; kill < suite.kills; kill++) {
    it(
      `${suite.keeps} through a kill inside a phase (${kill + 1} of ${suite.kills})`,
      async () => {
        const measured = suite.measured();
        const plan = planKills(measured, suite.kills, suite.seed)[kill] as KillPlan;
        const dataDir = suite.dataDir();
        let before: RetrainingSnapshot;
        const record = await aimedKill({
          plan,
          measuredMs: measured.get(plan.phase) as number,
          maxAttempts: suite.maxAttempts,
          spawn: suite.spawn,
          prepare: async () => {
            await suite.prepare?.(plan);
            before = retrainingSnapshot(dataDir);
            expect(before.active).toHaveLength(1);
          },
          afterChild: async (_attempt, context) => {
            console.log(context);
            expectIntactAfterKill(dataDir, before, context);
            await suite.afterChild(context);
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
      },
      suite.timeoutMs,
    );
  }

  it('landed every intended kill inside a running phase', () => {
    const summary = landedSummary(records, suite.kills);
    console.log(summary);
    expect(
      records.filter((r) => r.landed),
      summary,
    ).toHaveLength(suite.kills);
  });
}
