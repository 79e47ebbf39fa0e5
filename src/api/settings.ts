/**
 * The settings a clinic can change and what each may be: one definition for the app, the CLI and the
 * library, so a value that would make the model misbehave is refused the same way everywhere.
 */
import { z } from 'zod';

/** The TensorFlow.js backends, fastest first. */
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export const SETTING_RANGES = {
  /** Sensitivity the operating threshold must reach on validation data. */
  targetSensitivity: { min: 0.5, max: 0.999 },
  /** A candidate model is promoted when its ROC AUC is at least the active one's minus this. */
  promotionTolerance: { min: 0, max: 0.1 },
  /** Weight of the clinic's own labels relative to the shipped training set's. */
  localLabelWeight: { min: 0.1, max: 100 },
  /** A scheduled retraining runs only when at least this many images were labeled since the last one. */
  retrainMinNewLabels: { min: 1, max: 100_000 },
} as const;

/** How often the library retrains itself in the background. */
export const RETRAIN_SCHEDULES = ['off', 'daily', 'weekly'] as const;
export type RetrainSchedule = (typeof RETRAIN_SCHEDULES)[number];
/**
 * What a retraining trains: a new head on the cached embeddings (seconds), or the backbone's top
 * fine-tuned with the head (deep: tens of minutes on a CPU, for overnight runs).
 */
export const RETRAIN_DEPTHS = ['head', 'deep'] as const;
export type RetrainDepth = (typeof RETRAIN_DEPTHS)[number];
/** In the order of Date.getDay(), so a weekday's index is its day number. */
export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** A time of day on the clinic's clock, 24-hour: 02:30. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

const inRange = (key: keyof typeof SETTING_RANGES): z.ZodNumber => {
  const { min, max } = SETTING_RANGES[key];
  return z
    .number({ error: `${key} must be a number from ${min} to ${max}` })
    .min(min, {
      error: `${key} must be a number from ${min} to ${max}`,
    })
    .max(max, { error: `${key} must be a number from ${min} to ${max}` });
};

export const SettingsSchema = z.object({
  targetSensitivity: inRange('targetSensitivity'),
  promotionTolerance: inRange('promotionTolerance'),
  localLabelWeight: inRange('localLabelWeight'),
  /** 'auto' or one of the backends; the environment variable TRIAGE_BACKEND overrides it. */
  backend: z.enum(['auto', ...BACKEND_NAMES], {
    error: `backend must be one of ${['auto', ...BACKEND_NAMES].join(', ')}`,
  }),
  retrainSchedule: z.enum(RETRAIN_SCHEDULES, {
    error: `retrainSchedule must be one of ${RETRAIN_SCHEDULES.join(', ')}`,
  }),
  /** Local time of day of a scheduled retraining. */
  retrainTime: z
    .string({ error: 'retrainTime must be a time of day as HH:MM (24-hour), such as 02:30' })
    .regex(TIME_OF_DAY, { error: 'retrainTime must be a time of day as HH:MM (24-hour), such as 02:30' }),
  /** The day of a weekly retraining. */
  retrainWeekday: z.enum(WEEKDAYS, { error: `retrainWeekday must be one of ${WEEKDAYS.join(', ')}` }),
  retrainMinNewLabels: inRange('retrainMinNewLabels').int({
    error: 'retrainMinNewLabels must be a whole number',
  }),
  /** What a scheduled retraining trains. */
  retrainDepth: z.enum(RETRAIN_DEPTHS, { error: `retrainDepth must be one of ${RETRAIN_DEPTHS.join(', ')}` }),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];
/** The settings whose values are numbers; the others are words. */
export type NumericSettingKey = keyof typeof SETTING_RANGES;

/** A setting's value as typed on a command line: a number where the setting is one, else the text. */
export function settingValueFromText(key: SettingKey, text: string): number | string {
  return key in SETTING_RANGES ? Number(text) : text;
}

/**
 * What the window may send to change a setting: a known key and a value of a settable kind. Whether the
 * value suits its key is the settings service's check (SettingUpdateSchema), so that the window and the
 * CLI refuse it with the same words.
 */
export const SettingUpdateRequestSchema = z.object({
  key: z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]),
  value: z.union([z.number(), z.string()]),
});

/** One setting changed: the key, and a value its own schema accepts. */
export const SettingUpdateSchema = SettingUpdateRequestSchema.superRefine(({ key, value }, context) => {
  const parsed = SettingsSchema.shape[key].safeParse(value);
  if (!parsed.success) {
    context.addIssue({
      code: 'custom',
      path: ['value'],
      message: parsed.error.issues[0]?.message ?? 'invalid',
    });
  }
});
export type SettingUpdate = z.infer<typeof SettingUpdateSchema>;
