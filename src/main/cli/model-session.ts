import type { Library } from '../library';
import { ModelProcess } from '../model/process/host';
import { resourcePaths, type ResourcePaths } from '../resources';

/**
 * Runs work with a model process configured from the shipped resources and the library's settings,
 * and always stops the process afterwards so the CLI can exit.
 */
export async function withModelProcess<T>(
  library: Library | undefined,
  work: (modelProcess: ModelProcess, resources: ResourcePaths) => Promise<T>,
): Promise<T> {
  const resources = resourcePaths();
  const backend = library?.settings.get('backend') ?? 'auto';
  const modelProcess = new ModelProcess({ backboneDir: resources.backboneDir, backend });
  try {
    return await work(modelProcess, resources);
  } finally {
    modelProcess.close();
  }
}
