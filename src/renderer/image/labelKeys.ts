import { CONFIRMATIONS, DIAGNOSES, type Confirmation, type Diagnosis } from '../../api/vocabulary';

/** The letter that records each confirmation; with Shift it makes it the session's default. */
export const CONFIRMATION_KEYS: Record<Confirmation, string> = {
  histopathology: 'H',
  consensus: 'C',
  'follow-up': 'F',
  confocal: 'O',
  clinical: 'L',
};

/** Most common first in a dermatology clinic (HAM10000: nv 67 %, bkl 11 %, bcc 5 %), so 1 is the usual. */
const DIGIT_ORDER: readonly string[] = ['nv', 'bkl', 'bcc', 'akiec', 'scc', 'df', 'vasc', 'other'];

/** The diagnoses other than melanoma (M), in the order of their digit keys 1, 2, 3 … */
export const DIGIT_DIAGNOSES: readonly Diagnosis[] = [
  ...DIAGNOSES.filter((d) => DIGIT_ORDER.includes(d)).sort(
    (a, b) => DIGIT_ORDER.indexOf(a) - DIGIT_ORDER.indexOf(b),
  ),
  ...DIAGNOSES.filter((d) => d !== 'mel' && !DIGIT_ORDER.includes(d)),
];

/** The key of a diagnosis: its digit, or M for melanoma. */
export function diagnosisKey(diagnosis: Diagnosis): string {
  return diagnosis === 'mel' ? 'M' : String(DIGIT_DIAGNOSES.indexOf(diagnosis) + 1);
}

/** The diagnosis a digit key picks, if any. */
export function diagnosisOfKey(key: string): Diagnosis | undefined {
  return /^[1-9]$/.test(key) ? DIGIT_DIAGNOSES[Number(key) - 1] : undefined;
}

export function confirmationOfKey(key: string): Confirmation | undefined {
  return CONFIRMATIONS.find((c) => CONFIRMATION_KEYS[c] === key.toUpperCase());
}
