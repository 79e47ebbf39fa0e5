/**
 * The words of ground truth, without zod: the renderer's menus need them at start-up, and zod would
 * be a quarter of the script the window parses before it shows the queue. labels.ts builds the
 * schemas on them.
 */
export const DIAGNOSES = ['akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'scc', 'vasc', 'other'] as const;
export type Diagnosis = (typeof DIAGNOSES)[number];

/**
 * How a diagnosis was confirmed, firmest first: a label confirmed one way is only replaced by a weaker
 * one on explicit confirmation (label-change.ts).
 */
export const CONFIRMATIONS = ['histopathology', 'confocal', 'consensus', 'follow-up', 'clinical'] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];

/** How far a melanoma had grown, when the report says: a detail of the label "mel". */
export const DIAGNOSIS_DETAILS = ['in situ', 'invasive'] as const;
export type DiagnosisDetail = (typeof DIAGNOSIS_DETAILS)[number];
