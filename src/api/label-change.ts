/**
 * When a new label may replace the current one without asking: ground truth confirmed by a biopsy is
 * what every retraining learns from, and one keystroke must not rewrite it. Zod-free: the window asks it
 * whether to show its confirmation dialog, main enforces it on every save.
 */
import { diagnosisInWords, DIAGNOSIS_NAMES } from './diagnosis-words';
import { CONFIRMATIONS, type Confirmation, type Diagnosis, type DiagnosisDetail } from './vocabulary';

/** What the rule and the description read of a label, stored or requested. */
export interface LabelWords {
  melanoma: boolean;
  diagnosis?: Diagnosis | null;
  diagnosisDetail?: DiagnosisDetail | null;
  confirmedBy?: Confirmation | null;
}

/** Higher is firmer; no confirmation is 0, below every method. */
export function confirmationStrength(confirmedBy: Confirmation | null | undefined): number {
  return confirmedBy ? CONFIRMATIONS.length - CONFIRMATIONS.indexOf(confirmedBy) : 0;
}

/**
 * Why replacing `current` by `next` needs explicit confirmation, in words, or null if it needs none:
 * the melanoma value changes, or the confirmation gets weaker (to none included).
 */
export function overwriteReason(current: LabelWords | null | undefined, next: LabelWords): string | null {
  if (!current) return null;
  const reasons: string[] = [];
  if (current.melanoma !== next.melanoma) {
    reasons.push(
      current.melanoma
        ? 'it says not melanoma where the label says melanoma'
        : 'it says melanoma where the label says not melanoma',
    );
  }
  if (confirmationStrength(next.confirmedBy) < confirmationStrength(current.confirmedBy)) {
    reasons.push(
      `it replaces confirmation by ${current.confirmedBy} with ${next.confirmedBy ? `the weaker ${next.confirmedBy}` : 'none'}`,
    );
  }
  return reasons.length ? reasons.join(', and ') : null;
}

/** A label in words for dialogs and messages: "Melanoma (in situ), histopathology", "Not melanoma: nevus, follow-up". */
export function describeLabel(label: LabelWords): string {
  const how = label.confirmedBy ? `, ${label.confirmedBy}` : '';
  if (label.melanoma) {
    return `${diagnosisInWords('mel', label.diagnosisDetail)}${how}`;
  }
  const what = label.diagnosis ? `: ${DIAGNOSIS_NAMES[label.diagnosis].toLowerCase()}` : '';
  return `Not melanoma${what}${how}`;
}
