/**
 * Long work the window starts (importing and ranking, retraining) and what it reports back: progress
 * while it runs, then one outcome. Sent from main to the window on one event channel.
 */
import { z } from 'zod';

export const JOB_KINDS = ['import', 'retrain', 'rollback'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const count = z.number().int().nonnegative();

export const ImportSummarySchema = z.object({
  imported: count,
  alreadyImported: count,
  duplicates: count,
  failed: count,
  notProcessed: count,
  /** Every duplicate and failed file with the reason. */
  files: z.array(
    z.object({
      path: z.string(),
      status: z.enum(['duplicate', 'failed']),
      reason: z.string(),
      /** A duplicate already stored for this other patient: a possible mix-up, also in the warnings. */
      otherPatient: z.string().optional(),
    }),
  ),
  warnings: z.array(z.string()),
  /** Images scored by the active model after the import. */
  ranked: count,
  /** The patient and study imported into, so the window can open the study's images. */
  patient: z.string().optional(),
  study: z.string().optional(),
  studyId: z.number().int().positive().optional(),
});

export const RetrainSummarySchema = z.object({
  candidate: z.string(),
  parent: z.string(),
  promoted: z.boolean(),
  decision: z.string(),
  candidateAuc: z.number(),
  activeAuc: z.number(),
  threshold: z.number(),
});

export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    id: z.number().int().positive(),
    kind: z.enum(JOB_KINDS),
    /** 'activations': deep retraining runs images through the frozen part of the backbone first. */
    phase: z.enum(['scanning', 'importing', 'ranking', 'scoring', 'activations', 'training']),
    done: count,
    /** Unknown while scanning, and for training, which may stop early. */
    total: count.nullable(),
    /** Items per second so far. */
    rate: z.number().nonnegative(),
    /** Files that could not be imported so far. */
    failed: count.optional(),
    loss: z
      .object({
        training: z.number(),
        validation: z.number().nullable(),
        /** Deep retraining's stopping criterion, after each epoch. */
        validationAuc: z.number().optional(),
      })
      .optional(),
  }),
  z.object({
    type: z.literal('finished'),
    id: z.number().int().positive(),
    kind: z.enum(JOB_KINDS),
    outcome: z.enum(['done', 'cancelled', 'failed']),
    /** Why it failed, in words. */
    message: z.string().optional(),
    import: ImportSummarySchema.optional(),
    retrain: RetrainSummarySchema.optional(),
    rollback: z.object({ active: z.string(), rescored: count }).optional(),
  }),
]);
export type JobEvent = z.infer<typeof JobEventSchema>;
export type JobProgress = Extract<JobEvent, { type: 'progress' }>;
export type JobFinished = Extract<JobEvent, { type: 'finished' }>;
