import type { Library } from '../library';
import { activeModel } from '../model/artifacts/registry';
import type { ModelProcessPool } from '../model/process/pool';
import type { ResourcePaths } from '../resources';
import { rankCurrent } from './model-session';
import { rescore, type RankProgress } from './ranking';

/**
 * Makes a stored model version active again and re-scores the library with it. A model whose
 * fine-tuned top differs needs its own embeddings first, which the model process computes; otherwise
 * no image is decoded.
 */
export async function rollbackTo(
  library: Library,
  version: string,
  resources: ResourcePaths,
  options: {
    actor: string;
    models?: ModelProcessPool;
    signal?: AbortSignal;
    onProgress?: (progress: RankProgress) => void;
  },
): Promise<{ active: string; rescored: number }> {
  if (!library.models.byVersion(version)) throw new Error(`No model version ${version} in this library.`);
  return library.withWriter('rollback', async () => {
    const record = library.transaction(() => {
      const activated = library.models.activate(version);
      library.audit.record(options.actor, 'model.rollback', `model:${activated.version}`);
      return activated;
    });
    const { artifact } = activeModel(library);
    const rescored =
      library.embeddings.missing(artifact.backbone).length > 0
        ? (await rankCurrent(library, { ...options, resources })).scored
        : rescore(library, record, artifact);
    return { active: record.version, rescored };
  });
}
