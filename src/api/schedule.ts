/**
 * Scheduled retraining as the window sees it: what the last scheduled run did and when the next one is
 * due. The outcome is also what the desktop notification says.
 */
import { z } from 'zod';
import { RETRAIN_SCHEDULES } from './settings';

const count = z.number().int().nonnegative();
const comparison = {
  candidate: z.string(),
  parent: z.string(),
  candidateAuc: z.number(),
  activeAuc: z.number(),
};

export const ScheduledRetrainOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('promoted'), ...comparison }),
  z.object({ kind: z.literal('rejected'), ...comparison }),
  /** Too few images labeled since the last retraining: nothing to learn from yet. */
  z.object({ kind: z.literal('skipped'), newLabels: count, required: count }),
  z.object({ kind: z.literal('failed'), message: z.string() }),
  z.object({ kind: z.literal('cancelled') }),
]);
export type ScheduledRetrainOutcome = z.infer<typeof ScheduledRetrainOutcomeSchema>;

export const ScheduledRunSchema = z.object({
  /** When the run was started or skipped (ISO-8601). */
  at: z.string(),
  /** Null while it runs, or when the app was closed before it ended. */
  outcome: ScheduledRetrainOutcomeSchema.nullable(),
});
export type ScheduledRun = z.infer<typeof ScheduledRunSchema>;

export const RetrainScheduleStatusSchema = z.object({
  schedule: z.enum(RETRAIN_SCHEDULES),
  /** The next time the schedule is due (ISO-8601), in the past while a due run waits; null when off. */
  nextRun: z.string().nullable(),
  lastRun: ScheduledRunSchema.nullable(),
  /** Images labeled since the last retraining, and how many a scheduled one needs. */
  newLabels: count,
  minNewLabels: count,
});
export type RetrainScheduleStatus = z.infer<typeof RetrainScheduleStatusSchema>;

/** The outcome in words: a title and a sentence, for the notification and the settings screen. */
export function describeScheduledOutcome(outcome: ScheduledRetrainOutcome): { title: string; body: string } {
  const auc = (value: number): string => value.toFixed(3);
  switch (outcome.kind) {
    case 'promoted':
    case 'rejected': {
      const change = outcome.candidateAuc - outcome.activeAuc;
      const signed = `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(3)}`;
      const verdict =
        outcome.kind === 'promoted' ? 'is now active' : `was rejected; ${outcome.parent} stays active`;
      return {
        title: `Scheduled retraining: model ${outcome.kind}`,
        body: `${outcome.candidate} ${verdict}. Validation AUC ${auc(outcome.candidateAuc)} against ${auc(outcome.activeAuc)} (${signed}).`,
      };
    }
    case 'skipped':
      return {
        title: 'Scheduled retraining skipped',
        body: `${outcome.newLabels} image${outcome.newLabels === 1 ? '' : 's'} labeled since the last retraining; it needs ${outcome.required}.`,
      };
    case 'failed':
      return { title: 'Scheduled retraining failed', body: outcome.message };
    case 'cancelled':
      return { title: 'Scheduled retraining cancelled', body: 'The active model is unchanged.' };
  }
}
