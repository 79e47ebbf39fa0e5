/**
 * Train/validation splits by group, never by image: photographs of one lesion (or, without a lesion id, of
 * one patient) look alike, so an image on each side would leak and flatter the validation scores.
 */

import { createRandom, shuffle } from './random';

export interface SplitItem {
  group: string;
  /** Melanoma; used to spread melanomas over both sides. */
  positive?: boolean;
}

export interface Split {
  /** Indices into the items, ascending. */
  train: number[];
  validation: number[];
}

/**
 * The group of an image: its lesion when known, else its patient. The prefixes keep lesion "12" and
 * patient 12 apart.
 */
export function groupKey(image: { lesionId: string | null; patientId: number | string }): string {
  const lesion = image.lesionId?.trim();
  return lesion ? `lesion:${lesion}` : `patient:${image.patientId}`;
}

interface Group {
  indices: number[];
  positives: number;
}

/** Groups in order of first appearance, then shuffled: the seed alone decides the order. */
function shuffledGroups(items: readonly SplitItem[], seed: number): Group[] {
  const byKey = new Map<string, Group>();
  items.forEach((item, index) => {
    let group = byKey.get(item.group);
    if (!group) byKey.set(item.group, (group = { indices: [], positives: 0 }));
    group.indices.push(index);
    if (item.positive) group.positives++;
  });
  return shuffle([...byKey.values()], createRandom(seed));
}

function collect(groups: Group[], pick: (group: Group) => boolean): number[] {
  return groups
    .filter(pick)
    .flatMap((g) => g.indices)
    .sort((a, b) => a - b);
}

/**
 * About validationFraction of the images (and of the melanomas) in validation, whole groups only.
 * Melanoma groups are placed first to match the melanoma share, then the others to match the image share;
 * when there are two groups with melanomas or more, each side gets at least one.
 */
export function groupedSplit(items: readonly SplitItem[], validationFraction: number, seed: number): Split {
  if (!(validationFraction > 0 && validationFraction < 1))
    throw new RangeError(`validation fraction ${validationFraction} is not in (0, 1)`);
  const groups = shuffledGroups(items, seed);
  const totalPositives = groups.reduce((sum, g) => sum + g.positives, 0);
  const validation = new Set<Group>();
  let positives = 0;
  let images = 0;
  const closer = (value: number, add: number, target: number): boolean =>
    Math.abs(value + add - target) < Math.abs(value - target);
  for (const g of groups) {
    if (g.positives > 0 && closer(positives, g.positives, validationFraction * totalPositives)) {
      validation.add(g);
      positives += g.positives;
      images += g.indices.length;
    }
  }
  for (const g of groups) {
    if (g.positives === 0 && closer(images, g.indices.length, validationFraction * items.length)) {
      validation.add(g);
      images += g.indices.length;
    }
  }
  ensureBothSides(
    groups.filter((g) => g.positives > 0),
    validation,
    (g) => g.positives,
  );
  ensureBothSides(groups, validation, (g) => g.indices.length);
  return {
    train: collect(groups, (g) => !validation.has(g)),
    validation: collect(groups, (g) => validation.has(g)),
  };
}

/** Moves the smallest group (by size) across when one side has none of these groups. */
function ensureBothSides(groups: Group[], validation: Set<Group>, size: (g: Group) => number): void {
  if (groups.length < 2) return;
  const inValidation = groups.filter((g) => validation.has(g));
  const inTrain = groups.filter((g) => !validation.has(g));
  const smallest = (list: Group[]): Group | undefined =>
    list.reduce<Group | undefined>((best, g) => (best && size(best) <= size(g) ? best : g), undefined);
  if (inValidation.length === 0) validation.add(smallest(inTrain) as Group);
  else if (inTrain.length === 0) validation.delete(smallest(inValidation) as Group);
}

/**
 * k folds for cross-validation: every group in exactly one fold's validation side. Melanoma groups are dealt
 * first, largest first, each to the fold with the fewest melanomas; then the others, each to the fold with
 * the fewest images (ties go to the lower fold; the seed decides among equal groups).
 */
export function groupedKFold(items: readonly SplitItem[], k: number, seed: number): Split[] {
  const groups = shuffledGroups(items, seed);
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`k = ${k} is not an integer >= 2`);
  if (groups.length < k) throw new RangeError(`${groups.length} groups cannot fill ${k} folds`);
  const folds = Array.from({ length: k }, () => ({ groups: new Set<Group>(), positives: 0, images: 0 }));
  type Fold = (typeof folds)[number];
  const deal = (list: Group[], load: (f: Fold) => [number, number]): void => {
    // Array.prototype.sort is stable, so equal groups keep their shuffled order.
    for (const g of list.sort((a, b) => b.positives - a.positives || b.indices.length - a.indices.length)) {
      const target = folds.reduce((best, f) => {
        const [a1, a2] = load(f);
        const [b1, b2] = load(best);
        return a1 < b1 || (a1 === b1 && a2 < b2) ? f : best;
      });
      target.groups.add(g);
      target.positives += g.positives;
      target.images += g.indices.length;
    }
  };
  deal(
    groups.filter((g) => g.positives > 0),
    (f) => [f.positives, f.images],
  );
  deal(
    groups.filter((g) => g.positives === 0),
    (f) => [f.images, f.positives],
  );
  return folds.map((fold) => ({
    train: collect(groups, (g) => !fold.groups.has(g)),
    validation: collect(groups, (g) => fold.groups.has(g)),
  }));
}
