import { describe, expect, it } from 'vitest';
import { confirmationStrength, describeLabel, overwriteReason } from '../../src/api/label-change';
import { CONFIRMATIONS, type Confirmation } from '../../src/api/vocabulary';

/** The issue's order, firmest first, and no confirmation below every method. */
const FIRMEST_FIRST: Array<Confirmation | null> = [
  'histopathology',
  'confocal',
  'consensus',
  'follow-up',
  'clinical',
  null,
];

describe('the overwrite rule', () => {
  it('orders the confirmations as the issue ranks them', () => {
    expect([...CONFIRMATIONS, null]).toEqual(FIRMEST_FIRST);
    const strengths = FIRMEST_FIRST.map(confirmationStrength);
    expect(strengths).toEqual([...strengths].sort((a, b) => b - a));
    expect(new Set(strengths).size).toBe(FIRMEST_FIRST.length);
  });

  // Every pair, none included: only a weaker confirmation needs confirming.
  const pairs = FIRMEST_FIRST.flatMap((from, i) => FIRMEST_FIRST.map((to, j) => [from, to, j > i] as const));
  it.each(pairs)('from %s to %s with the same melanoma value: asks %s', (from, to, asks) => {
    for (const melanoma of [true, false]) {
      const reason = overwriteReason({ melanoma, confirmedBy: from }, { melanoma, confirmedBy: to });
      if (asks) {
        expect(reason).toBe(`it replaces confirmation by ${from} with ${to ? `the weaker ${to}` : 'none'}`);
      } else {
        expect(reason).toBeNull();
      }
    }
  });

  it('asks whenever the melanoma value flips, whatever the confirmations', () => {
    for (const from of FIRMEST_FIRST) {
      for (const to of FIRMEST_FIRST) {
        const toNot = overwriteReason(
          { melanoma: true, confirmedBy: from },
          { melanoma: false, confirmedBy: to },
        );
        const toMel = overwriteReason(
          { melanoma: false, confirmedBy: from },
          { melanoma: true, confirmedBy: to },
        );
        expect(toNot).toMatch(/^it says not melanoma where the label says melanoma/);
        expect(toMel).toMatch(/^it says melanoma where the label says not melanoma/);
        const weaker = FIRMEST_FIRST.indexOf(to) > FIRMEST_FIRST.indexOf(from);
        expect(toNot?.includes(', and it replaces confirmation')).toBe(weaker);
      }
    }
  });

  it('asks nothing of a first label or a change of diagnosis alone', () => {
    expect(overwriteReason(null, { melanoma: true, confirmedBy: null })).toBeNull();
    expect(overwriteReason(undefined, { melanoma: false })).toBeNull();
    expect(
      overwriteReason(
        { melanoma: false, diagnosis: 'nv', confirmedBy: 'clinical' },
        { melanoma: false, diagnosis: 'bkl', confirmedBy: 'clinical' },
      ),
    ).toBeNull();
  });
});

describe('labels in words', () => {
  it('says melanoma or not, the diagnosis, its detail and the confirmation', () => {
    expect(
      describeLabel({
        melanoma: true,
        diagnosis: 'mel',
        diagnosisDetail: 'in situ',
        confirmedBy: 'histopathology',
      }),
    ).toBe('Melanoma (in situ), histopathology');
    expect(describeLabel({ melanoma: false, diagnosis: 'nv', confirmedBy: 'follow-up' })).toBe(
      'Not melanoma: nevus, follow-up',
    );
    expect(describeLabel({ melanoma: true, diagnosis: null, confirmedBy: null })).toBe('Melanoma');
    expect(describeLabel({ melanoma: false })).toBe('Not melanoma');
    expect(describeLabel({ melanoma: false, diagnosis: 'scc' })).toBe(
      'Not melanoma: squamous cell carcinoma',
    );
  });
});
