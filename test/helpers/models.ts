import type { Library } from '../../src/main/library';
import { readShippedModel, registerModel } from '../../src/main/model/artifacts/registry';

/**
 * Makes a deliberately poor model the library's active one, the shipped head with its weights reversed,
 * so that a retraining has something to beat. Returns its version.
 */
export function activatePoorModel(library: Library, defaultModelDir: string): string {
  const shipped = readShippedModel(defaultModelDir);
  const poor = {
    ...shipped,
    version: 'poor-reversed',
    head: { ...shipped.head, weights: shipped.head.weights.map((w) => -w) },
  };
  registerModel(library, poor, 'candidate', defaultModelDir);
  library.models.activate(poor.version);
  return poor.version;
}
