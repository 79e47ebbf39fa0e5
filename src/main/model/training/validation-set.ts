import { createHash } from 'node:crypto';
import { groupKey } from './splits';

/** Share of lesions (or patients) held out to stop training, set the threshold and compare models. */
export const VALIDATION_FRACTION = 0.15;

/**
 * Whether a group (a lesion, else a patient) is in the validation set. Decided by a hash of the group's
 * key, not by a seeded shuffle of today's images: a group stays on its side as the library grows, so
 * every model, the shipped default included, is compared on images none of them trained on.
 */
export function inValidationSet(group: string, fraction = VALIDATION_FRACTION): boolean {
  return createHash('sha256').update(group).digest().readUInt32BE(0) / 2 ** 32 < fraction;
}

/** The group key of a HAM10000-style image, the same key a clinic's image of that lesion gets. */
export function lesionGroup(lesionId: string): string {
  return groupKey({ lesionId, patientId: '' });
}
