/**
 * The vocabulary of ground truth, shared by every layer: what a dermatologist can record about an image.
 */
import { z } from 'zod';
import {
  CONFIRMATIONS,
  DIAGNOSES,
  DIAGNOSIS_DETAILS,
  type Confirmation,
  type Diagnosis,
  type DiagnosisDetail,
} from './vocabulary';

export {
  CONFIRMATIONS,
  DIAGNOSES,
  DIAGNOSIS_DETAILS,
  type Confirmation,
  type Diagnosis,
  type DiagnosisDetail,
} from './vocabulary';

export const LabelInputSchema = z
  .object({
    imageId: z.number().int().positive(),
    melanoma: z.boolean(),
    diagnosis: z.enum(DIAGNOSES).optional(),
    /** In situ or invasive, for a melanoma whose report says. */
    diagnosisDetail: z.enum(DIAGNOSIS_DETAILS).optional(),
    confirmedBy: z.enum(CONFIRMATIONS).optional(),
    /** When the diagnosis was confirmed (ISO date), as a pathology report would give it. */
    confirmedAt: z.iso.date().optional(),
    labeledBy: z.string().min(1).max(200),
    note: z.string().max(10_000).optional(),
  })
  .refine((l) => l.diagnosis === undefined || l.melanoma === (l.diagnosis === 'mel'), {
    message: 'melanoma and diagnosis disagree: a melanoma has diagnosis "mel", and "mel" means melanoma',
    path: ['diagnosis'],
  })
  .refine((l) => l.diagnosisDetail === undefined || l.melanoma, {
    message: 'in situ and invasive describe a melanoma: this label is not one',
    path: ['diagnosisDetail'],
  });
export type LabelInput = z.input<typeof LabelInputSchema>;

export interface Label {
  id: number;
  imageId: number;
  melanoma: boolean;
  diagnosis: Diagnosis | null;
  diagnosisDetail: DiagnosisDetail | null;
  confirmedBy: Confirmation | null;
  confirmedAt: string | null;
  labeledBy: string;
  labeledAt: string;
  note: string | null;
  /** This row withdraws the label it repeats: while it is the newest, the image is unlabeled. */
  withdrawn: boolean;
}
