import type { Library } from '../library';
import { ModelProcess } from '../model/process/host';
import type { ModelProcessConfig } from '../model/process/protocol';
import { activeModel, modelDir, readShippedModel, topConfig, type ModelArtifact } from '../model/registry';
import { resourcePaths, type ResourcePaths } from '../resources';
import { rankLibrary, type RankProgress, type RankReport } from './ranking';

/** A model and the folder its files are in. */
export interface ModelLocation {
  artifact: ModelArtifact;
  dir: string;
}

/** The library's active model, or the shipped default where there is no library. */
export function currentModel(library: Library | undefined, resources: ResourcePaths): ModelLocation {
  if (!library) {
    return { artifact: readShippedModel(resources.defaultModelDir), dir: resources.defaultModelDir };
  }
  const { record, artifact } = activeModel(library, resources.defaultModelDir);
  return { artifact, dir: modelDir(library.dataDir, record) };
}

/** A model process that computes `model`'s embeddings on the backend asked for ('auto' or a name). */
export function modelProcessConfig(
  resources: ResourcePaths,
  backend: string,
  model: ModelLocation,
): ModelProcessConfig {
  return { backboneDir: resources.backboneDir, backend, top: topConfig(model.artifact, model.dir) };
}

/**
 * Runs work with a model process configured from the shipped resources, the library's settings and the
 * model whose embeddings it computes (the current one unless given), and always stops the process
 * afterwards so the CLI can exit.
 */
export async function withModelProcess<T>(
  library: Library | undefined,
  work: (modelProcess: ModelProcess, resources: ResourcePaths) => Promise<T>,
  model?: ModelLocation,
): Promise<T> {
  const resources = resourcePaths();
  const backend = library?.settings.get('backend') ?? 'auto';
  const modelProcess = new ModelProcess(
    modelProcessConfig(resources, backend, model ?? currentModel(library, resources)),
  );
  try {
    return await work(modelProcess, resources);
  } finally {
    modelProcess.close();
  }
}

/** Embeds what is missing and scores every image with the active model, in a model process of its own. */
export function rankCurrent(
  library: Library,
  options: { signal?: AbortSignal; onProgress?: (progress: RankProgress) => void } = {},
): Promise<RankReport> {
  return withModelProcess(library, (modelProcess, resources) =>
    rankLibrary(library, modelProcess, resources.defaultModelDir, options),
  );
}
