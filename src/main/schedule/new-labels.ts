import type { Library } from '../library';

/**
 * Images labeled since the newest label any retraining saw. A rejected candidate counts too: retraining
 * on the same labels would give the same model (the seed is fixed), and after a rollback it would bring
 * back the model just rolled away from.
 */
export function newLabelCount(library: Library): number {
  return library.labels.imagesLabeledSince(library.models.newestLabelSnapshot());
}
