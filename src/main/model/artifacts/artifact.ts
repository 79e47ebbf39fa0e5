import { readJsonFile } from './json-file';
import { z } from 'zod';
import { EvaluationSchema } from '../../../api/contract';
import { topManifestSchema } from '../network/top-file';

/**
 * A model's `model.json`, as a schema: every model file read from disk (the shipped default, a library's
 * versions) is checked against it, so a damaged or foreign file is refused by name instead of failing
 * later as an undefined field deep in scoring.
 */
const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });

export const HeadParamsSchema = z
  .object({
    format: z.literal('logistic-head-v1'),
    dimension: z.number().int().positive(),
    mean: z.array(finite),
    std: z.array(finite),
    /** Weights on the standardised features. */
    weights: z.array(finite),
    bias: finite,
  })
  .refine((h) => [h.mean, h.std, h.weights].every((v) => v.length === h.dimension), {
    error: 'mean, std and weights must each have `dimension` values',
  });

const CurvePointSchema = z.object({
  epoch: z.number(),
  trainLoss: z.number(),
  validationLoss: z.number().nullable(),
  validationAuc: z.number().optional(),
});

/** What training measured; a retraining's judgement adds the parent's figures and the clinic's own. */
export const ModelMetricsSchema = z.looseObject({
  validation: EvaluationSchema.optional(),
  weightedAuc: z.number().optional(),
  parentWeightedAuc: z.number().optional(),
  /** The parent on the same validation images, at its own threshold: the "before" of a promotion. */
  parentValidation: EvaluationSchema.optional(),
  learningCurve: z.array(CurvePointSchema).optional(),
  bestEpoch: z.number().optional(),
});
export type ModelMetrics = z.infer<typeof ModelMetricsSchema>;

export const ModelArtifactSchema = z.object({
  format: z.literal('triage-model-v1'),
  version: z.string().min(1),
  /** 'deep' when the top of the backbone was fine-tuned too; its weights are then in the model's folder. */
  kind: z.enum(['head', 'deep']),
  backbone: z.string().min(1),
  /** The fine-tuned top the embeddings go through, when the model has one. */
  top: topManifestSchema.optional(),
  head: HeadParamsSchema,
  /** Probabilities at or above it are flagged suspicious. */
  threshold: z.number().min(0).max(1),
  targetSensitivity: z.number().gt(0).lte(1),
  /** How the head was trained, so a retraining uses the same recipe. */
  hyperparameters: z.object({ l2: z.number().nonnegative() }),
  metrics: ModelMetricsSchema,
  provenance: z.object({
    parentVersion: z.string().nullable(),
    trainedAt: z.string(),
    /** The newest label the training saw: what "trained on the labels as of" means. */
    labelSnapshot: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    backend: z.string(),
    seed: z.number(),
  }),
});
export type ModelArtifact = z.infer<typeof ModelArtifactSchema>;

/** Reads and checks a model file; the error names the file and the first field that is wrong. */
export function readArtifactFile(file: string): ModelArtifact {
  return readJsonFile(file, ModelArtifactSchema, 'a model file');
}
