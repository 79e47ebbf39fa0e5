/**
 * The words of ground truth, without zod: the renderer's menus need them at start-up, and zod would
 * be a quarter of the script the window parses before it shows the queue. labels.ts builds the
 * schemas on them.
 */
export const DIAGNOSES = ['akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'vasc', 'other'] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];

/** How a diagnosis was confirmed, firmest first. */
export const CONFIRMATIONS = ['histopathology', 'consensus', 'follow-up', 'confocal', 'clinical'] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];
