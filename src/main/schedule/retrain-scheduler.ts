import type { ScheduledRetrainOutcome } from '../../api/schedule';
import type { JobFinished } from '../../api/jobs';
import type { JobRunner } from '../jobs/job-runner';
import type { Library } from '../library';
import type { RetrainScheduleState } from '../library/schedule-state';
import type { SchedulerClock } from './clock';
import { newLabelCount } from './new-labels';
import { nextSlot, planOf, type SchedulePlan } from './slots';

export const TICK_MS = 60_000;

export interface SchedulerOptions {
  /** Each run's outcome, skipped ones included, once it is recorded. */
  onOutcome?: (run: { at: string; outcome: ScheduledRetrainOutcome }) => void;
  /** A tick that threw (the library closed under it, say); the next tick tries again. */
  onError?: (error: unknown) => void;
}

/**
 * Retrains the library on its schedule (settings retrainSchedule, retrainTime, retrainWeekday) when
 * enough images were labeled since the last retraining (retrainMinNewLabels). A slot missed while the
 * machine slept or the app was closed runs once at the next tick, however many were missed. The
 * retraining is a job of the JobRunner, so it never runs beside another retraining or an import: while
 * one runs, a due slot waits for a later tick.
 */
export class RetrainScheduler {
  private running = false;
  private stopped = false;
  private stopTicking: (() => void) | undefined;

  constructor(
    private readonly library: Library,
    private readonly jobs: JobRunner,
    private readonly clock: SchedulerClock,
    private readonly options: SchedulerOptions = {},
  ) {}

  /** Ticks now (catching up on what was missed while closed), then every minute until stop(). */
  start(): void {
    if (this.stopTicking || this.stopped) return;
    this.stopTicking = this.clock.every(TICK_MS, () => this.tickInBackground());
    this.tickInBackground();
  }

  /** A tick nobody waits for (the timer's, or one after the machine woke); errors go to onError. */
  tickInBackground(): void {
    this.tick().catch((error: unknown) => this.options.onError?.(error));
  }

  /**
   * Stops for good, before the library closes: a retraining already started finishes as a job, but its
   * outcome is not recorded (the library may be closed by then).
   */
  stop(): void {
    this.stopped = true;
    this.stopTicking?.();
    this.stopTicking = undefined;
  }

  /**
   * Runs the schedule if it is due: resolves with the outcome of a run or skip, or with undefined when
   * nothing was due or the slot must wait (a job is running, or this scheduler's own retraining is).
   */
  async tick(): Promise<ScheduledRetrainOutcome | undefined> {
    if (this.running || this.stopped) return undefined;
    const settings = this.library.settings.all();
    const plan = planOf(settings);
    if (!plan) return undefined;
    const now = this.clock.now();
    const stored = this.library.retrainSchedule.read();
    const state = stateFor(stored, plan, now);
    if (state !== stored) this.library.retrainSchedule.write(state);
    if (nextSlot(plan, new Date(state.since)) > now || this.jobs.current()) return undefined;

    const at = now.toISOString();
    const newLabels = newLabelCount(this.library);
    if (newLabels < settings.retrainMinNewLabels) {
      const outcome: ScheduledRetrainOutcome = {
        kind: 'skipped',
        newLabels,
        required: settings.retrainMinNewLabels,
      };
      this.record(state, at, outcome);
      return outcome;
    }
    const jobId = this.jobs.startRetrain(settings.retrainDepth);
    // The promotion is recorded under the user's name: this says it was the schedule that started it.
    this.library.audit.record('scheduler', 'retrain.scheduled', `job:${jobId}`, {
      newLabels,
      plan: plan.key,
    });
    // Recorded before it ends: a restart during the retraining must not start it again at once.
    this.library.retrainSchedule.write({ ...state, since: at, lastRun: { at, outcome: null } });
    this.running = true;
    let finished: JobFinished | undefined;
    try {
      finished = await this.jobs.finished(jobId);
    } finally {
      this.running = false;
    }
    if (this.stopped) return undefined;
    const outcome = outcomeOf(finished);
    this.record(state, at, outcome);
    return outcome;
  }

  private record(state: RetrainScheduleState, at: string, outcome: ScheduledRetrainOutcome): void {
    this.library.retrainSchedule.write({ ...state, since: at, lastRun: { at, outcome } });
    this.options.onOutcome?.({ at, outcome });
  }
}

/**
 * The stored state, or a fresh one counting from `now` when there is none or the schedule changed:
 * turning a schedule on at 14:00 for 02:00 waits for the next 02:00 rather than running at once.
 */
export function stateFor(
  stored: RetrainScheduleState | null,
  plan: SchedulePlan,
  now: Date,
): RetrainScheduleState {
  if (stored?.plan === plan.key) return stored;
  return { plan: plan.key, since: now.toISOString(), lastRun: stored?.lastRun ?? null };
}

function outcomeOf(event: JobFinished | undefined): ScheduledRetrainOutcome {
  if (!event) return { kind: 'failed', message: 'the retraining job ended before its outcome was known' };
  if (event.outcome === 'cancelled') return { kind: 'cancelled' };
  if (event.outcome === 'failed' || !event.retrain) {
    return { kind: 'failed', message: event.message ?? 'the retraining reported no result' };
  }
  const { candidate, parent, candidateAuc, activeAuc, promoted } = event.retrain;
  return { kind: promoted ? 'promoted' : 'rejected', candidate, parent, candidateAuc, activeAuc };
}
