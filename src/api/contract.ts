/**
 * The contract between the renderer and the main process: every call, its request and response
 * schemas. Main validates requests, the preload exposes exactly these calls, the renderer and the
 * tests type themselves against it. No logic lives here.
 */
import { z } from 'zod';
import { CONFIRMATIONS, DIAGNOSES, DIAGNOSIS_DETAILS } from './labels';
import { RETRAIN_DEPTHS, SettingsSchema, SettingUpdateRequestSchema } from './settings';
import { JOB_KINDS, type JobEvent } from './jobs';
import { RetrainScheduleStatusSchema } from './schedule';

const id = z.number().int().positive();
const count = z.number().int().nonnegative();
const timestamp = z.string();

export const LibraryInfoSchema = z.object({
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  patients: z.number().int().nonnegative(),
  studies: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  labeledImages: z.number().int().nonnegative(),
});
export type LibraryInfo = z.infer<typeof LibraryInfoSchema>;

/** What a patient or a study holds. */
const imageCounts = {
  images: count,
  labeled: count,
  /** At or above the active model's threshold. */
  suspicious: count,
};

export const PatientSummarySchema = z.object({
  id,
  code: z.string(),
  note: z.string().nullable(),
  createdAt: timestamp,
  studies: count,
  ...imageCounts,
});
export type PatientSummary = z.infer<typeof PatientSummarySchema>;

export const StudySummarySchema = z.object({
  id,
  patientId: id,
  patientCode: z.string(),
  name: z.string(),
  studyDate: z.string().nullable(),
  sourceFolder: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: timestamp,
  ...imageCounts,
});
export type StudySummary = z.infer<typeof StudySummarySchema>;

/** Which images the queue shows, and in what order. */
export const QueueRequestSchema = z.strictObject({
  patient: z.string().min(1).max(200).optional(),
  studyId: id.optional(),
  labeled: z.boolean().optional(),
  suspicious: z.boolean().optional(),
  melanoma: z.boolean().optional(),
  diagnosis: z.enum(DIAGNOSES).optional(),
  /** 'probability': most suspicious first; 'uncertainty' ("label next"): nearest the threshold first. */
  order: z.enum(['probability', 'uncertainty']),
  /** A page of the queue: `limit` entries from `offset` on, in the order above. */
  offset: z
    .number()
    .int('offset must be a whole number')
    .min(0, 'offset must be 0 or more')
    .max(10_000_000, 'offset must be at most 10,000,000')
    .default(0),
  limit: z
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(1000, 'a page holds at most 1000 entries'),
});

export const QueueEntrySchema = z.object({
  imageId: id,
  fileName: z.string(),
  patient: z.string(),
  study: z.string(),
  probability: z.number().min(0).max(1),
  suspicious: z.boolean(),
  melanoma: z.boolean().nullable(),
  diagnosis: z.string().nullable(),
  confirmedBy: z.string().nullable(),
});
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export const QueuePageSchema = z.object({
  /** The active model whose probabilities these are, and its operating threshold. */
  model: z.string(),
  threshold: z.number().min(0).max(1),
  /** How many images match the filters: the whole queue, of which `entries` is one page. */
  total: count,
  entries: z.array(QueueEntrySchema),
});

export const LabelSchema = z.object({
  id,
  imageId: id,
  melanoma: z.boolean(),
  diagnosis: z.enum(DIAGNOSES).nullable(),
  /** 'in situ' or 'invasive', for a melanoma whose report says. */
  diagnosisDetail: z.enum(DIAGNOSIS_DETAILS).nullable(),
  confirmedBy: z.enum(CONFIRMATIONS).nullable(),
  confirmedAt: z.string().nullable(),
  labeledBy: z.string(),
  labeledAt: timestamp,
  note: z.string().nullable(),
  /** This row withdraws the label it repeats: while it is the newest, the image is unlabeled. */
  withdrawn: z.boolean(),
});

/** A label as the renderer gives it; who labeled is the signed-in user, filled in by main. */
export const LabelRequestSchema = z.strictObject({
  imageId: id,
  melanoma: z.boolean(),
  diagnosis: z.enum(DIAGNOSES).optional(),
  diagnosisDetail: z.enum(DIAGNOSIS_DETAILS).optional(),
  confirmedBy: z.enum(CONFIRMATIONS).optional(),
  confirmedAt: z.iso.date().optional(),
  note: z.string().max(10_000).optional(),
  /**
   * Replace a label whose melanoma value differs, or a firmer confirmation by a weaker one
   * (label-change.ts); without it such a save is refused with code 'conflict'.
   */
  overwrite: z.boolean().optional(),
});
export type LabelRequest = z.infer<typeof LabelRequestSchema>;

export const ImageDetailSchema = z.object({
  id,
  fileName: z.string(),
  patient: z.string(),
  study: z.string(),
  /** The study's date (ISO calendar date), when one was given at import. */
  studyDate: z.string().nullable(),
  width: count,
  height: count,
  format: z.string(),
  bytes: count,
  capturedAt: z.string().nullable(),
  importedAt: timestamp,
  bodySite: z.string().nullable(),
  lesionId: z.string().nullable(),
  /** The active model's probability, if it has scored the image yet. */
  prediction: z
    .object({ model: z.string(), probability: z.number().min(0).max(1), suspicious: z.boolean() })
    .nullable(),
  /** Every label the image had, oldest first; the last is the current one. */
  labels: z.array(LabelSchema),
});
export type ImageDetail = z.infer<typeof ImageDetailSchema>;

/**
 * Where the active model sees melanoma in one image: its class-activation map on the backbone's last
 * feature grid, which covers the whole (upright) image.
 */
export const ExplanationSchema = z
  .object({
    /** The model version whose map this is. */
    model: z.string(),
    rows: z.number().int().positive(),
    columns: z.number().int().positive(),
    /** rows × columns cells, row-major: 0 the image's least, 1 its most melanoma-like region. */
    cells: z.array(z.number().min(0).max(1)),
    /** The melanoma probability of the least and the most melanoma-like region, each as if it were the whole image. */
    lowest: z.number().min(0).max(1),
    highest: z.number().min(0).max(1),
  })
  .refine((e) => e.cells.length === e.rows * e.columns, { error: 'cells must be rows × columns values' });
export type Explanation = z.infer<typeof ExplanationSchema>;

export const ModelSummarySchema = z.object({
  version: z.string(),
  /** 'head': a classifier retrained on cached embeddings; 'deep': the backbone's top fine-tuned too. */
  kind: z.string(),
  status: z.enum(['candidate', 'active', 'retired', 'rejected']),
  createdAt: timestamp,
  promotedAt: z.string().nullable(),
  parentVersion: z.string().nullable(),
  threshold: z.number(),
  /** ROC AUC on its validation set. */
  auc: z.number().nullable(),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

const rate = z.number().nullable();
export const EvaluationSchema = z.object({
  count,
  positives: count,
  negatives: count,
  threshold: z.number(),
  rocAuc: rate,
  prAuc: rate,
  confusion: z.object({ tp: z.number(), fp: z.number(), tn: z.number(), fn: z.number() }),
  sensitivity: rate,
  specificity: rate,
  precision: rate,
  f1: rate,
  accuracy: rate,
  logLoss: rate,
  ece: rate,
  reliability: z.array(
    z.object({
      lower: z.number(),
      upper: z.number(),
      count: z.number(),
      meanPredicted: rate,
      observedRate: rate,
    }),
  ),
  roc: z.array(z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number() })),
});

export const ModelDetailSchema = ModelSummarySchema.extend({
  targetSensitivity: z.number(),
  validation: EvaluationSchema.nullable(),
  learningCurve: z.array(
    z.object({
      epoch: z.number(),
      trainLoss: z.number(),
      validationLoss: z.number().nullable(),
      validationAuc: z.number().optional(),
    }),
  ),
  provenance: z.object({
    trainedAt: z.string(),
    labelSnapshot: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    backend: z.string(),
    seed: z.number(),
  }),
  /**
   * How a retraining judged this version against its parent, both on this version's validation images:
   * the gate's weighted ROC AUCs, and the parent's evaluation on those images (null for versions
   * trained before it was stored). Null for a version no retraining made.
   */
  comparison: z
    .object({
      parent: z.string(),
      weightedAuc: z.number(),
      parentWeightedAuc: z.number(),
      parentValidation: EvaluationSchema.nullable(),
    })
    .nullable(),
});
export type ModelDetail = z.infer<typeof ModelDetailSchema>;

/** What a retraining will take, from the rate the last one of its depth measured on this machine. */
export const RetrainEstimateSchema = z.object({
  /** Images the retraining will go through. */
  images: count,
  /** Null when no retraining of this depth has finished in this library: nothing measured yet. */
  measured: z
    .object({
      imagesPerSecond: z.number().positive(),
      seconds: z.number().nonnegative(),
      /** When the run the rate comes from finished. */
      at: z.string(),
    })
    .nullable(),
});
export type RetrainEstimate = z.infer<typeof RetrainEstimateSchema>;

/**
 * Each call: its IPC channel, the schema its argument must pass, and the schema of its answer. Requests
 * are strict: a field the contract does not name is an error, not silently dropped.
 */
export const apiCalls = {
  libraryInfo: {
    channel: 'library:info',
    request: z.void(),
    response: LibraryInfoSchema,
  },
  patients: { channel: 'patients:list', request: z.void(), response: z.array(PatientSummarySchema) },
  studies: {
    channel: 'studies:list',
    request: z.strictObject({ patient: z.string().min(1).max(200).optional() }),
    response: z.array(StudySummarySchema),
  },
  createPatient: {
    channel: 'patients:create',
    request: z.strictObject({ code: z.string().trim().min(1).max(200) }),
    response: z.object({ id, created: z.boolean() }),
  },
  renamePatient: {
    channel: 'patients:rename',
    request: z.strictObject({ id, code: z.string().trim().min(1).max(200) }),
    response: z.void(),
  },
  createStudy: {
    channel: 'studies:create',
    request: z.strictObject({ patientId: id, name: z.string().trim().min(1).max(200) }),
    response: z.object({ id, created: z.boolean() }),
  },
  renameStudy: {
    channel: 'studies:rename',
    request: z.strictObject({ id, name: z.string().trim().min(1).max(200) }),
    response: z.void(),
  },
  queue: { channel: 'queue:page', request: QueueRequestSchema, response: QueuePageSchema },
  imageDetail: {
    channel: 'image:detail',
    request: z.strictObject({ imageId: id }),
    response: ImageDetailSchema,
  },
  /** Computed on demand in the model process (a fraction of a second once it runs). */
  explainImage: {
    channel: 'image:explain',
    request: z.strictObject({ imageId: id }),
    response: ExplanationSchema,
  },
  saveLabel: {
    channel: 'label:save',
    request: LabelRequestSchema,
    response: z.object({ label: LabelSchema, added: z.boolean() }),
  },
  /** Leaves the image unlabeled (undoing its first label); null when it had no label. */
  withdrawLabel: {
    channel: 'label:withdraw',
    request: z.strictObject({ imageId: id }),
    response: z.object({ withdrawal: LabelSchema.nullable() }),
  },
  /** Folders picked in the system's dialog (opened by main); only these can be imported. */
  chooseFolders: { channel: 'dialog:folders', request: z.void(), response: z.array(z.string()) },
  chooseManifest: { channel: 'dialog:manifest', request: z.void(), response: z.string().nullable() },
  startImport: {
    channel: 'job:import',
    request: z.strictObject({
      folders: z.array(z.string().min(1).max(4096)).min(1).max(100),
      manifest: z.string().min(1).max(4096).optional(),
      patient: z.string().trim().min(1).max(200),
      study: z.string().trim().min(1).max(200).optional(),
      /** The study's date; default: today. */
      studyDate: z.iso.date().optional(),
      /** Create the patient if the library has none by that id; without it an unknown patient is refused. */
      createPatient: z.boolean().optional(),
    }),
    response: z.object({ jobId: id }),
  },
  startRetrain: {
    channel: 'job:retrain',
    request: z.strictObject({ depth: z.enum(RETRAIN_DEPTHS) }),
    response: z.object({ jobId: id }),
  },
  cancelJob: {
    channel: 'job:cancel',
    request: z.strictObject({ jobId: id }),
    response: z.object({ cancelled: z.boolean() }),
  },
  currentJob: {
    channel: 'job:current',
    request: z.void(),
    response: z.object({ id, kind: z.enum(JOB_KINDS) }).nullable(),
  },
  models: { channel: 'models:list', request: z.void(), response: z.array(ModelSummarySchema) },
  /** The TensorFlow.js backend the model process runs on, and why that one. */
  backend: {
    channel: 'model:backend',
    request: z.void(),
    response: z.object({ name: z.string(), reason: z.string(), backboneVersion: z.string() }),
  },
  modelDetail: {
    channel: 'models:detail',
    request: z.strictObject({ version: z.string().min(1).max(200) }),
    response: ModelDetailSchema,
  },
  retrainEstimate: {
    channel: 'models:retrain-estimate',
    request: z.strictObject({ depth: z.enum(RETRAIN_DEPTHS) }),
    response: RetrainEstimateSchema,
  },
  /** Makes an earlier version active again and re-scores the library, as a job. */
  startRollback: {
    channel: 'job:rollback',
    request: z.strictObject({ version: z.string().min(1).max(200) }),
    response: z.object({ jobId: id }),
  },
  settings: { channel: 'settings:get', request: z.void(), response: SettingsSchema },
  updateSetting: {
    channel: 'settings:update',
    request: SettingUpdateRequestSchema,
    response: SettingsSchema,
  },
  /** Scheduled retraining: the last run's outcome and when the next is due. */
  retrainSchedule: { channel: 'schedule:status', request: z.void(), response: RetrainScheduleStatusSchema },
} as const;

export type ApiCallName = keyof typeof apiCalls;
export type ApiRequest<K extends ApiCallName> = z.input<(typeof apiCalls)[K]['request']>;
export type ApiResponse<K extends ApiCallName> = z.output<(typeof apiCalls)[K]['response']>;

/** What the preload puts on `window.api`: one async function per call, and the job events. */
export type TriageApi = {
  [K in ApiCallName]: (request: ApiRequest<K>) => Promise<ApiResponse<K>>;
} & {
  /** The URL of a stored image or its thumbnail, served by main from the library (no file paths). */
  imageUrl(kind: 'image' | 'thumb', imageId: number): string;
  /** Calls `listener` with each job's progress and outcome; returns the function that stops it. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
};
