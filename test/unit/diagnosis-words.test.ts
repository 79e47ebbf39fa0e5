import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_DIAGNOSIS_WORDS,
  DIAGNOSIS_NAMES,
  diagnosisInWords,
  readDiagnosis,
  unknownDiagnosisMessage,
} from '../../src/api/diagnosis-words';
import { DIAGNOSES } from '../../src/api/vocabulary';

/** Every name the issue lists, with the code and detail it must mean. */
const SYNONYMS: Array<[string, string, string | null]> = [
  ['nevus', 'nv', null],
  ['compound nevus', 'nv', null],
  ['junctional nevus', 'nv', null],
  ['dermal nevus', 'nv', null],
  ['dysplastic nevus', 'nv', null],
  ['atypical nevus', 'nv', null],
  ['Spitz nevus', 'nv', null],
  ['blue nevus', 'nv', null],
  ['seborrheic keratosis', 'bkl', null],
  ['solar lentigo', 'bkl', null],
  ['lichen planus-like keratosis', 'bkl', null],
  ['melanoma', 'mel', null],
  ['melanoma in situ', 'mel', 'in situ'],
  ['invasive melanoma', 'mel', 'invasive'],
  ['lentigo maligna', 'mel', 'in situ'],
  ['basal cell carcinoma', 'bcc', null],
  ['squamous cell carcinoma', 'scc', null],
  ['actinic keratosis', 'akiec', null],
  ["Bowen's disease", 'akiec', null],
  ['dermatofibroma', 'df', null],
  ['angioma', 'vasc', null],
  ['angiokeratoma', 'vasc', null],
  ['pyogenic granuloma', 'vasc', null],
  ['haemangioma', 'vasc', null],
  ['hemangioma', 'vasc', null],
];

describe('diagnoses in words', () => {
  it.each(SYNONYMS)('reads "%s" as %s (%s)', (word, diagnosis, detail) => {
    expect(readDiagnosis(word)).toEqual({ diagnosis, detail });
  });

  it('reads every code, in any case', () => {
    for (const code of DIAGNOSES) {
      expect(readDiagnosis(code)).toEqual({ diagnosis: code, detail: null });
      expect(readDiagnosis(` ${code.toUpperCase()} `)).toEqual({ diagnosis: code, detail: null });
    }
  });

  it('ignores case, spaces, hyphens, underscores and apostrophes', () => {
    for (const variant of [
      'SEBORRHEIC KERATOSIS',
      'seborrheic_keratosis',
      'seborrheic-keratosis',
      '  Seborrheic   Keratosis ',
    ]) {
      expect(readDiagnosis(variant)?.diagnosis).toBe('bkl');
    }
    expect(readDiagnosis('Lichen_Planus Like-Keratosis')?.diagnosis).toBe('bkl');
    expect(readDiagnosis('bowens disease')?.diagnosis).toBe('akiec');
    expect(readDiagnosis('BOWEN’S-DISEASE')?.diagnosis).toBe('akiec');
    expect(readDiagnosis('Melanoma_In_Situ')).toEqual({ diagnosis: 'mel', detail: 'in situ' });
    expect(readDiagnosis('spitz-nevus')?.diagnosis).toBe('nv');
  });

  it('knows no other word, and says which ones it knows', () => {
    for (const unknown of ['freckle', 'nevu', 'melanomas in situ', 'keratosis', '', 'mel nv']) {
      expect(readDiagnosis(unknown)).toBeNull();
    }
    const message = unknownDiagnosisMessage('freckle');
    expect(message).toMatch(/^"freckle" is not a diagnosis/);
    for (const word of ['scc', 'nevus', 'seborrheic keratosis', 'lentigo maligna', 'pyogenic granuloma']) {
      expect(message).toContain(word);
    }
  });

  it('lists every accepted word once, each of them readable', () => {
    expect(new Set(ACCEPTED_DIAGNOSIS_WORDS).size).toBe(ACCEPTED_DIAGNOSIS_WORDS.length);
    for (const word of ACCEPTED_DIAGNOSIS_WORDS) expect(readDiagnosis(word)).not.toBeNull();
    for (const [word] of SYNONYMS) expect(ACCEPTED_DIAGNOSIS_WORDS).toContain(word);
  });

  it('names every code in plain language, with the detail of a melanoma', () => {
    expect(Object.keys(DIAGNOSIS_NAMES).sort()).toEqual([...DIAGNOSES].sort());
    expect(DIAGNOSIS_NAMES.nv).toBe('Nevus');
    expect(DIAGNOSIS_NAMES.scc).toBe('Squamous cell carcinoma');
    expect(diagnosisInWords('mel', 'in situ')).toBe('Melanoma (in situ)');
    expect(diagnosisInWords('bkl')).toBe('Benign keratosis');
  });
});
