/**
 * Diagnoses in words: the one vocabulary the CSV import, the CLI and the window read and write. Zod-free,
 * like vocabulary.ts, because the window needs it at start-up.
 */
import { DIAGNOSES, type Diagnosis, type DiagnosisDetail } from './vocabulary';

/** The plain-language name of each code, as dialogs and reports show it. */
export const DIAGNOSIS_NAMES: Readonly<Record<Diagnosis, string>> = {
  akiec: 'Actinic keratosis',
  bcc: 'Basal cell carcinoma',
  bkl: 'Benign keratosis',
  df: 'Dermatofibroma',
  mel: 'Melanoma',
  nv: 'Nevus',
  scc: 'Squamous cell carcinoma',
  vasc: 'Vascular lesion',
  other: 'Other diagnosis',
};

export interface DiagnosisWord {
  /** As a report would spell it; readDiagnosis also takes it in any case, with any separators. */
  word: string;
  diagnosis: Diagnosis;
  detail?: DiagnosisDetail;
}

const NEVUS_KINDS = [
  'compound',
  'junctional',
  'dermal',
  'intradermal',
  'dysplastic',
  'atypical',
  'Spitz',
  'blue',
];

/** Every word accepted besides the codes, each with the code it means. */
export const DIAGNOSIS_WORDS: readonly DiagnosisWord[] = [
  ...['nevus', 'naevus', 'nevi', 'melanocytic nevus'].map((word) => ({ word, diagnosis: 'nv' as const })),
  ...NEVUS_KINDS.flatMap((kind) => [
    { word: `${kind} nevus`, diagnosis: 'nv' as const },
    { word: `${kind} naevus`, diagnosis: 'nv' as const },
  ]),
  ...[
    'benign keratosis',
    'seborrheic keratosis',
    'seborrhoeic keratosis',
    'solar lentigo',
    'lichen planus-like keratosis',
  ].map((word) => ({ word, diagnosis: 'bkl' as const })),
  { word: 'melanoma', diagnosis: 'mel' },
  { word: 'melanoma in situ', diagnosis: 'mel', detail: 'in situ' },
  { word: 'in situ melanoma', diagnosis: 'mel', detail: 'in situ' },
  { word: 'lentigo maligna', diagnosis: 'mel', detail: 'in situ' },
  { word: 'invasive melanoma', diagnosis: 'mel', detail: 'invasive' },
  { word: 'basal cell carcinoma', diagnosis: 'bcc' },
  { word: 'squamous cell carcinoma', diagnosis: 'scc' },
  ...['actinic keratosis', "Bowen's disease", 'Bowen disease'].map((word) => ({
    word,
    diagnosis: 'akiec' as const,
  })),
  { word: 'dermatofibroma', diagnosis: 'df' },
  ...['vascular lesion', 'angioma', 'angiokeratoma', 'pyogenic granuloma', 'haemangioma', 'hemangioma'].map(
    (word) => ({ word, diagnosis: 'vasc' as const }),
  ),
];

/** Lower case, apostrophes dropped, every run of spaces, hyphens and underscores one space. */
function normalize(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

const BY_WORD = new Map<string, { diagnosis: Diagnosis; detail: DiagnosisDetail | null }>([
  ...DIAGNOSES.map((code) => [code, { diagnosis: code, detail: null }] as const),
  ...DIAGNOSIS_WORDS.map(
    ({ word, diagnosis, detail }) => [normalize(word), { diagnosis, detail: detail ?? null }] as const,
  ),
]);

/**
 * The diagnosis a code or a common name means ("Seborrheic keratosis", "lentigo_maligna", "NV"), with
 * the detail the name carries (lentigo maligna is a melanoma in situ); null for a word it does not know.
 */
export function readDiagnosis(raw: string): { diagnosis: Diagnosis; detail: DiagnosisDetail | null } | null {
  return BY_WORD.get(normalize(raw)) ?? null;
}

/** The codes and the words, for error messages and the window's menus. */
export const ACCEPTED_DIAGNOSIS_WORDS: readonly string[] = [
  ...DIAGNOSES,
  ...DIAGNOSIS_WORDS.map((w) => w.word),
];

/** "… is not a diagnosis I know; use one of: …" without repeating every spelling of every nevus. */
export function unknownDiagnosisMessage(raw: string): string {
  const shown = ACCEPTED_DIAGNOSIS_WORDS.filter((w) => !/naevus|seborrhoeic|^Bowen disease$/.test(w));
  return `"${raw}" is not a diagnosis: use a code or a name (${shown.join(', ')})`;
}

/** A diagnosis in words, with its detail: "Melanoma (in situ)", "Nevus". */
export function diagnosisInWords(diagnosis: Diagnosis, detail?: DiagnosisDetail | null): string {
  return `${DIAGNOSIS_NAMES[diagnosis]}${detail ? ` (${detail})` : ''}`;
}
