import type { Library } from '../library';
import type { ModelProcess } from '../model/process/host';
import { ModelProcessPool } from '../model/process/pool';
import type { ModelProcessConfig } from '../model/process/protocol';
import {
  modelDir,
  readModelFiles,
  readShippedModel,
  topConfig,
  type ModelArtifact,
} from '../model/artifacts/registry';
import { resourcePaths, type ResourcePaths } from '../resources';
import { rankLibrary, type RankProgress, type RankReport } from './ranking';

/** A model and the folder its files are in. */
export interface ModelLocation {
  artifact: ModelArtifact;
  dir: string;
}

/** Where model processes come from and what they load: the host's pool, and the shipped resources. */
export interface ModelHost {
  /** Without one, the call uses a pool of its own, stopped when it ends (a test, a tool). */
  models?: ModelProcessPool;
  resources?: ResourcePaths;
}

/** The library's active model, or the shipped default where there is no library or no active model yet. */
export function currentModel(library: Library | undefined, resources: ResourcePaths): ModelLocation {
  const record = library?.models.active();
  if (!library || !record) {
    return { artifact: readShippedModel(resources.defaultModelDir), dir: resources.defaultModelDir };
  }
  return { artifact: readModelFiles(library.dataDir, record), dir: modelDir(library.dataDir, record) };
}

/** A model process that computes `model`'s embeddings on the backend asked for ('auto' or a name). */
export function modelProcessConfig(
  resources: ResourcePaths,
  backend: string,
  model: ModelLocation,
): ModelProcessConfig {
  return { backboneDir: resources.backboneDir, backend, fineTunedTop: topConfig(model.artifact, model.dir) };
}

/**
 * Runs work on a model process for the library's backend setting and the model whose embeddings it
 * computes (the current one unless given), lent by the host's pool and given back afterwards.
 */
export async function withModelProcess<T>(
  host: ModelHost,
  library: Library | undefined,
  work: (modelProcess: ModelProcess, resources: ResourcePaths) => Promise<T>,
  model?: ModelLocation,
): Promise<T> {
  const resources = host.resources ?? resourcePaths();
  const pool = host.models ?? new ModelProcessPool();
  const backend = library?.settings.get('backend') ?? 'auto';
  const config = modelProcessConfig(resources, backend, model ?? currentModel(library, resources));
  try {
    return await pool.use(config, (modelProcess) => work(modelProcess, resources));
  } finally {
    if (!host.models) pool.close();
  }
}

/** Embeds what is missing and scores every image with the active model, on a process of the pool. */
export function rankCurrent(
  library: Library,
  options: ModelHost & { signal?: AbortSignal; onProgress?: (progress: RankProgress) => void } = {},
): Promise<RankReport> {
  return withModelProcess(options, library, (modelProcess, resources) =>
    rankLibrary(library, modelProcess, resources.defaultModelDir, options),
  );
}
