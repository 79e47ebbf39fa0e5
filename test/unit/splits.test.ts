import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../src/main/model/training/random';
import { groupedKFold, groupedSplit, groupKey, type SplitItem } from '../../src/main/model/training/splits';

/** Many images per group, melanomas concentrated in a few groups, as with lesions photographed often. */
function randomItems(random: Random, groups: number): SplitItem[] {
  const items: SplitItem[] = [];
  for (let g = 0; g < groups; g++) {
    const melanoma = random.next() < 0.15;
    const size = 1 + random.int(15);
    for (let k = 0; k < size; k++) items.push({ group: `g${g}`, positive: melanoma && random.next() < 0.8 });
  }
  // Interleaved, so a group's images are not contiguous.
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const groupsOf = (items: SplitItem[], indices: number[]): Set<string> =>
  new Set(indices.map((i) => items[i]!.group));
const positivesIn = (items: SplitItem[], indices: number[]): number =>
  indices.filter((i) => items[i]!.positive).length;

describe('groupKey', () => {
  it('is the lesion when known, else the patient, and never confuses the two', () => {
    expect(groupKey({ lesionId: 'HAM_0000118', patientId: 7 })).toBe('lesion:HAM_0000118');
    expect(groupKey({ lesionId: null, patientId: 7 })).toBe('patient:7');
    expect(groupKey({ lesionId: '  ', patientId: 'P-12' })).toBe('patient:P-12');
    expect(groupKey({ lesionId: '7', patientId: 1 })).not.toBe(groupKey({ lesionId: null, patientId: 7 }));
  });
});

describe('groupedSplit', () => {
  it('never puts a group on both sides, and places every image once', () => {
    const random = createRandom(1);
    for (let trial = 0; trial < 50; trial++) {
      const items = randomItems(random, 2 + random.int(80));
      const { train, validation } = groupedSplit(items, 0.1 + 0.4 * random.next(), trial);
      const trainGroups = groupsOf(items, train);
      for (const group of groupsOf(items, validation)) expect(trainGroups.has(group)).toBe(false);
      expect([...train, ...validation].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
      expect(train.length).toBeGreaterThan(0);
      expect(validation.length).toBeGreaterThan(0);
    }
  });

  it('roughly keeps the fraction of images and of melanomas', () => {
    const random = createRandom(2);
    for (let trial = 0; trial < 20; trial++) {
      const items = randomItems(random, 300);
      const { validation } = groupedSplit(items, 0.2, trial);
      const positives = positivesIn(
        items,
        items.map((_, i) => i),
      );
      expect(Math.abs(validation.length / items.length - 0.2)).toBeLessThan(0.03);
      expect(Math.abs(positivesIn(items, validation) / positives - 0.2)).toBeLessThan(0.06);
    }
  });

  it('puts melanomas on both sides whenever two groups have some', () => {
    // One small melanoma group among many large plain ones, plus one more: a fraction of 0.05 would
    // otherwise leave validation without melanomas.
    const items: SplitItem[] = [
      ...Array.from({ length: 40 }, (_, i) => ({ group: `big${i % 20}` })),
      { group: 'm1', positive: true },
      { group: 'm2', positive: true },
      { group: 'm2', positive: true },
    ];
    for (let seed = 0; seed < 20; seed++) {
      const { train, validation } = groupedSplit(items, 0.05, seed);
      expect(positivesIn(items, train)).toBeGreaterThan(0);
      expect(positivesIn(items, validation)).toBeGreaterThan(0);
    }
  });

  it('is the same for the same seed and differs between seeds', () => {
    const items = randomItems(createRandom(3), 100);
    expect(groupedSplit(items, 0.2, 5)).toEqual(groupedSplit(items, 0.2, 5));
    expect(groupedSplit(items, 0.2, 5)).not.toEqual(groupedSplit(items, 0.2, 6));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => groupedSplit([{ group: 'a' }], 1, 0)).toThrow(/fraction/);
  });
});

describe('groupedKFold', () => {
  it('puts every group in exactly one fold, and trains on the rest', () => {
    const random = createRandom(4);
    for (let trial = 0; trial < 30; trial++) {
      const items = randomItems(random, 10 + random.int(60));
      const k = 2 + random.int(6);
      const folds = groupedKFold(items, k, trial);
      expect(folds).toHaveLength(k);
      const seen = new Map<string, number>();
      folds.forEach((fold, f) => {
        expect(fold.validation.length).toBeGreaterThan(0);
        for (const group of groupsOf(items, fold.validation)) {
          expect(seen.has(group)).toBe(false);
          seen.set(group, f);
        }
        expect([...fold.train, ...fold.validation].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
        for (const group of groupsOf(items, fold.train)) expect(seen.get(group)).not.toBe(f);
      });
      expect(seen.size).toBe(new Set(items.map((item) => item.group)).size);
    }
  });

  it('spreads melanoma groups over the folds and balances their sizes', () => {
    const items = randomItems(createRandom(5), 400);
    const folds = groupedKFold(items, 5, 1);
    for (const fold of folds) {
      expect(positivesIn(items, fold.validation)).toBeGreaterThan(0);
      expect(Math.abs(fold.validation.length / items.length - 0.2)).toBeLessThan(0.02);
    }
  });

  it('is the same for the same seed and needs k groups', () => {
    const items = randomItems(createRandom(6), 50);
    expect(groupedKFold(items, 5, 9)).toEqual(groupedKFold(items, 5, 9));
    expect(() => groupedKFold([{ group: 'a' }, { group: 'b' }], 3, 0)).toThrow(/2 groups cannot fill 3/);
    expect(() => groupedKFold(items, 1, 0)).toThrow(/k = 1/);
  });
});
