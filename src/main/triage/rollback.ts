import { LibraryError, type Library } from '../library';
import type { ModelRecord } from '../library/models';
import { activeModel } from '../model/artifacts/registry';
import type { ModelProcessPool } from '../model/process/pool';
import type { ResourcePaths } from '../resources';
import { rankCurrent } from './model-session';
import { rescore, type RankProgress } from './ranking';

/**
 * The version a rollback may activate. A model the promotion gate rejected did worse than the model it
 * was measured against: activating it would rank every image by the worse model, so it is refused here,
 * where the window's job and the CLI both pass, with the gate's reason.
 */
export function rollbackTarget(library: Library, version: string): ModelRecord {
  const target = library.models.byVersion(version);
  if (!target) throw new LibraryError(`No model version ${version} in this library.`, 'not-found');
  if (target.status === 'rejected') {
    const decision = rejection(library, version);
    throw new LibraryError(
      `Model ${version} was rejected by the promotion gate${decision ? ` (${decision})` : ''}; ` +
        'a rejected model cannot be made active. Roll back to a retired or candidate version instead.',
      'conflict',
    );
  }
  return target;
}

/** The promotion gate's figures for a rejected version, as retraining audited them, in words. */
function rejection(library: Library, version: string): string | null {
  const details = library.db
    .prepare(
      `SELECT details FROM audit_log WHERE action = 'model.reject' AND subject = ? ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(`model:${version}`) as string | null | undefined;
  const figures: unknown = details ? JSON.parse(details) : null;
  if (typeof figures !== 'object' || figures === null) return null;
  const { candidateAuc, activeAuc } = figures as Record<string, unknown>;
  if (typeof candidateAuc !== 'number' || typeof activeAuc !== 'number') return null;
  return `validation AUC ${candidateAuc.toFixed(4)} against ${activeAuc.toFixed(4)} for the active model then`;
}

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
  rollbackTarget(library, version);
  return library.withWriter('rollback', async () => {
    const record = library.transaction(() => {
      rollbackTarget(library, version);
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
