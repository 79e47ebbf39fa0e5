import { describe, expect, it } from 'vitest';
import { groupHistory, GROUP_WITHIN_MS } from '../../src/renderer/image/historyGroups';
import { applyChoice, type StoredLabel } from '../../src/renderer/image/labelChoice';
import { DIGIT_DIAGNOSES, diagnosisKey, diagnosisOfKey } from '../../src/renderer/image/labelKeys';
import { DIAGNOSES } from '../../src/api/vocabulary';

let nextId = 1;
function stored(
  fields: Partial<StoredLabel> & { melanoma: boolean },
  at = '2026-12-07T13:00:00.000Z',
): StoredLabel {
  return {
    id: nextId++,
    imageId: 1,
    diagnosis: fields.melanoma ? 'mel' : null,
    diagnosisDetail: null,
    confirmedBy: null,
    confirmedAt: null,
    labeledBy: 'dr-a',
    labeledAt: at,
    note: null,
    withdrawn: false,
    ...fields,
  };
}

describe('what a key makes of the current label', () => {
  const biopsied = stored({
    melanoma: true,
    diagnosisDetail: 'in situ',
    confirmedBy: 'histopathology',
    confirmedAt: '2026-11-30',
    note: 'excised',
  });

  it('keeps the confirmation while the melanoma value stays, and drops it (and the detail) on a flip', () => {
    expect(applyChoice(biopsied, { kind: 'melanoma', melanoma: true }, 'clinical')).toEqual({
      melanoma: true,
      diagnosis: 'mel',
      diagnosisDetail: 'in situ',
      confirmedBy: 'histopathology',
      confirmedAt: '2026-11-30',
      note: 'excised',
    });
    // The session's default stands in for the dropped confirmation; without one there is none.
    expect(applyChoice(biopsied, { kind: 'diagnosis', diagnosis: 'nv' }, 'clinical')).toEqual({
      melanoma: false,
      diagnosis: 'nv',
      confirmedBy: 'clinical',
      note: 'excised',
    });
    expect(applyChoice(biopsied, { kind: 'melanoma', melanoma: false }, null)).toEqual({
      melanoma: false,
      note: 'excised',
    });
  });

  it('gives a first label the session’s default, and N keeps a benign diagnosis', () => {
    expect(applyChoice(undefined, { kind: 'melanoma', melanoma: true }, 'follow-up')).toEqual({
      melanoma: true,
      diagnosis: 'mel',
      confirmedBy: 'follow-up',
    });
    const nevus = stored({ melanoma: false, diagnosis: 'nv' });
    expect(applyChoice(nevus, { kind: 'melanoma', melanoma: false }, null)).toEqual({
      melanoma: false,
      diagnosis: 'nv',
    });
  });

  it('changes the confirmation alone, forgetting the old method’s date, and refuses one without a label', () => {
    expect(applyChoice(biopsied, { kind: 'confirmation', confirmedBy: 'consensus' }, null)).toEqual({
      melanoma: true,
      diagnosis: 'mel',
      diagnosisDetail: 'in situ',
      confirmedBy: 'consensus',
      note: 'excised',
    });
    expect(applyChoice(undefined, { kind: 'confirmation', confirmedBy: 'clinical' }, null)).toEqual({
      error: expect.stringMatching(/melanoma \(M\)/),
    });
    expect(applyChoice(stored({ melanoma: false }), { kind: 'detail', detail: 'invasive' }, null)).toEqual({
      error: expect.stringMatching(/describe a melanoma/),
    });
  });
});

describe('the diagnosis keys', () => {
  it('give every diagnosis but melanoma (M) a digit, 1 the commonest', () => {
    expect(DIGIT_DIAGNOSES).toHaveLength(DIAGNOSES.length - 1);
    expect(new Set(DIGIT_DIAGNOSES)).toEqual(new Set(DIAGNOSES.filter((d) => d !== 'mel')));
    expect(DIGIT_DIAGNOSES.slice(0, 3)).toEqual(['nv', 'bkl', 'bcc']);
    for (const d of DIGIT_DIAGNOSES) expect(diagnosisOfKey(diagnosisKey(d))).toBe(d);
    expect(diagnosisKey('mel')).toBe('M');
    expect(diagnosisOfKey('0')).toBeUndefined();
    expect(diagnosisOfKey('9')).toBeUndefined();
  });
});

describe('the history as shown', () => {
  it('groups one person’s edits seconds apart, newest first, and keeps the others apart', () => {
    const at = (seconds: number): string => new Date(Date.UTC(2026, 11, 7, 13, 0, seconds)).toISOString();
    const rows = [
      stored({ melanoma: true }, at(0)),
      stored({ melanoma: true, confirmedBy: 'histopathology' }, at(2)),
      stored({ melanoma: false, labeledBy: 'dr-b' }, at(4)),
      stored({ melanoma: false, labeledBy: 'dr-b' }, at(4 + GROUP_WITHIN_MS / 1000 + 1)),
    ];
    expect(groupHistory(rows).map((group) => group.map((row) => row.id))).toEqual([
      [rows[3]!.id],
      [rows[2]!.id],
      [rows[1]!.id, rows[0]!.id],
    ]);
    expect(groupHistory([])).toEqual([]);
  });
});
