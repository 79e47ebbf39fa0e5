import type { StoredLabel } from './labelChoice';

/**
 * Edits by one person this close together are one decision made in steps (M, then H a second later)
 * and are shown as one entry; the rows themselves all stay in the library, which never rewrites one.
 */
export const GROUP_WITHIN_MS = 10_000;

/** The history newest first, in groups of edits by one person each within GROUP_WITHIN_MS of the next. */
export function groupHistory(history: readonly StoredLabel[]): StoredLabel[][] {
  const groups: StoredLabel[][] = [];
  for (const row of [...history].reverse()) {
    const group = groups.at(-1);
    const later = group?.at(-1);
    if (
      group &&
      later &&
      later.labeledBy === row.labeledBy &&
      Date.parse(later.labeledAt) - Date.parse(row.labeledAt) <= GROUP_WITHIN_MS
    ) {
      group.push(row);
    } else {
      groups.push([row]);
    }
  }
  return groups;
}
