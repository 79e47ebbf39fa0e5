import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../library';
import { baseVersion, readProvenance } from '../model/network/backbone';
import { foldStandardisation } from '../model/training/head';
import type { ActivationCacheRequest, DeepJobProgress } from '../model/training/deep-job';
import { toppedVersion } from '../model/network/top-file';
import { variantSuffix } from '../model/training/image-variants';
import {
  asHeadParams,
  deepRecipeFor,
  WHOLE_NETWORK_CUT,
  type DeepRecipe,
  type DeepEpoch,
} from '../model/training/train-top';
import type { ModelProcess } from '../model/process/host';
import { ModelProcessPool } from '../model/process/pool';
import {
  activeModel,
  ensureShippedDefault,
  ownTrainingSetDir,
  readShippedModel,
} from '../model/artifacts/registry';
import { groupKey } from '../model/training/splits';
import { readTrainingSet, trainingImagePath, writeTrainingSet } from '../model/artifacts/training-set';
import { inValidationSet } from '../model/training/validation-set';
import type { ResourcePaths } from '../resources';
import { modelProcessConfig } from './model-session';
import { embedMissing, storedPath } from './ranking';
import {
  concludeRetraining,
  countRows,
  indices,
  requireSameBackbone,
  trainingRun,
  type RetrainOptions,
  type RetrainReport,
} from './retrain';

export const DEEP_SEED = 11;
const STAGE_PREFIX = 'deep-run-';

export interface DeepRetrainOptions extends Omit<RetrainOptions, 'onEpoch'> {
  /** Where the second activations process and the promotion's embedder come from; a pool of its own if absent. */
  models?: ModelProcessPool;
  onEpoch?: (point: DeepEpoch) => void;
  onProgress?: (progress: DeepJobProgress) => void;
  /** Changes to the backend's recipe (deepRecipeFor); the tests shorten it, the product uses it as it is. */
  recipe?: Partial<DeepRecipe>;
}

/**
 * Deep retraining: fine-tunes the top of the backbone with the head on the shipped training images and
 * the clinic's labeled ones (weighted up), from activations at the cut computed in the model process
 * (the shipped images' once per library, the clinic's for each run). The candidate is judged like a
 * head retraining; before it is promoted, every image is embedded through its new top, so the queue
 * switches to it whole.
 */
export async function retrainDeep(
  library: Library,
  modelProcess: ModelProcess,
  resources: ResourcePaths,
  options: DeepRetrainOptions,
): Promise<RetrainReport> {
  library.writer.refuseIfBusy();
  const settings = library.settings.all();
  const { signal } = options;
  const backendName = (await modelProcess.backend()).name;
  const recipe: DeepRecipe = { ...deepRecipeFor(backendName), ...options.recipe };
  return trainingRun(library, 'deep', { seed: DEEP_SEED, recipe, ...settings }, signal, async (runId) => {
    options.onPhase?.('embedding');
    const { backend } = await embedMissing(library, modelProcess, { signal });
    ensureShippedDefault(library, resources.defaultModelDir);
    const active = activeModel(library);
    requireSameBackbone(active, backend.backboneVersion);
    const { top: activeTop } = active.artifact;
    // The frozen part must be the shipped network: the cut may not lie inside the active model's top.
    if (activeTop && activeTop.cut !== recipe.cut && recipe.cut !== WHOLE_NETWORK_CUT) {
      throw new Error(
        `the active model's top starts after ${activeTop.cut}, deep retraining after ${recipe.cut}`,
      );
    }
    if (activeTop?.testTransforms) {
      throw new Error(
        `the active model ${active.record.version} averages flipped images; deep retraining does not`,
      );
    }
    const shipped = readTrainingSet(resources.trainingSetDir);
    const labels = library.labels.trainingLabels(backend.backboneVersion);
    const base = baseVersion(await readProvenance(resources.backboneDir));
    const cacheDir = path.join(library.dataDir, 'cache', 'activations');
    // Named by what it holds (backbone, cut, which images): another app version's set is never taken for it.
    const images = createHash('sha256').update(shipped.names.join('\n')).digest('hex').slice(0, 8);
    const copies = Array.from({ length: recipe.imageVariants + 1 }, (_, variant) => variant);
    const shippedFiles = copies.map((variant) =>
      path.join(
        cacheDir,
        `${base}-${recipe.cut}-ham10000-${shipped.names.length}-${images}${variantSuffix(variant)}.f16`.replace(
          /[^\w.-]/g,
          '_',
        ),
      ),
    );
    removeLeftovers(cacheDir, shippedFiles);
    const stage = path.join(cacheDir, `${STAGE_PREFIX}${runId}`);
    const localFiles = copies.map((variant) => path.join(stage, `labeled${variantSuffix(variant)}.f16`));
    const handlers = { signal, onProgress: options.onProgress };
    const pool = options.models ?? new ModelProcessPool();
    try {
      fs.mkdirSync(stage, { recursive: true });
      const shippedImages = shipped.names.map((name) => trainingImagePath(resources.trainingSetDir, name));
      const localImages = labels.map((l) => storedPath(library, l.imageId));
      // The shipped images' activations do not depend on the top, so these files serve every deep retraining.
      options.onPhase?.('activations');
      await cacheOnTwoProcesses(
        modelProcess,
        pool,
        copies.flatMap((variant) => [
          { cut: recipe.cut, files: shippedImages, file: shippedFiles[variant] as string, variant },
          { cut: recipe.cut, files: localImages, file: localFiles[variant] as string, variant },
        ]),
        handlers,
      );

      const nShipped = shipped.labels.length;
      const n = nShipped + labels.length;
      const rows = {
        labels: new Uint8Array(n),
        weights: new Float32Array(n),
        local: new Uint8Array(n),
        validation: new Uint8Array(n),
      };
      shipped.labels.forEach((y, i) => {
        rows.labels[i] = y;
        rows.weights[i] = 1;
        rows.validation[i] = inValidationSet(shipped.groups[i] as string) ? 1 : 0;
      });
      labels.forEach((label, k) => {
        const i = nShipped + k;
        rows.labels[i] = label.melanoma ? 1 : 0;
        rows.weights[i] = settings.localLabelWeight;
        rows.local[i] = 1;
        rows.validation[i] = inValidationSet(groupKey(label)) ? 1 : 0;
      });
      const train = indices(rows.validation, 0);
      const validation = indices(rows.validation, 1);
      const parentHead = foldStandardisation(
        active.artifact.head.mean,
        active.artifact.head.std,
        active.artifact.head.weights,
        active.artifact.head.bias,
      );
      options.onPhase?.('training');
      const outcome = await modelProcess.trainTop(
        {
          recipe,
          sources: [shippedFiles[0] as string, localFiles[0] as string],
          variantSources: copies.slice(1).map((v) => [shippedFiles[v] as string, localFiles[v] as string]),
          labels: rows.labels,
          sampleWeights: rows.weights,
          train,
          validation,
          initialHead: { weights: Float32Array.from(parentHead.weights), bias: parentHead.bias },
          seed: DEEP_SEED,
          embedRows: Array.from(shipped.labels, (_, i) => i),
          topDir: stage,
        },
        { ...handlers, onEpoch: options.onEpoch },
      );
      const candidateBackbone = toppedVersion(base, outcome.top);
      // Later head retrainings learn from the shipped images through this top, not the shipped one.
      writeTrainingSet(ownTrainingSetDir(stage), {
        ...shipped,
        backbone: candidateBackbone,
        values: outcome.embeddings,
      });

      return await concludeRetraining(library, {
        runId,
        actor: options.actor,
        onPhase: options.onPhase,
        active,
        hyperparameters: readShippedModel(resources.defaultModelDir).hyperparameters,
        validation: {
          y: Uint8Array.from(validation, (i) => rows.labels[i] as number),
          weights: Float32Array.from(validation, (i) => rows.weights[i] as number),
          local: Uint8Array.from(validation, (i) => rows.local[i] as number),
        },
        counts: countRows(rows, train, validation),
        backend: backend.name,
        seed: DEEP_SEED,
        candidate: {
          kind: 'deep',
          backbone: candidateBackbone,
          top: outcome.top,
          filesDir: stage,
          head: asHeadParams(outcome.head),
          curve: outcome.curve,
          bestEpoch: outcome.bestEpoch,
          scores: outcome.validationScores,
          activeScores: outcome.parentValidationScores,
        },
        beforePromotion: (model) =>
          pool.use(
            modelProcessConfig(resources, library.settings.get('backend'), model),
            async (embedder) => {
              const { failed } = await embedMissing(library, embedder, { signal });
              if (failed.length > 0) {
                throw new Error(
                  `${failed.length} images could not be embedded through the new top, ${failed[0]?.path} first: ` +
                    `${failed[0]?.reason}; the model ${active.record.version} stays active`,
                );
              }
            },
          ),
      });
    } finally {
      if (!options.models) pool.close();
      fs.rmSync(stage, { recursive: true, force: true });
    }
  });
}

/**
 * Writes activation files on the model process and a second one like it from the pool at once: each runs
 * the frozen part of the network on one core (wasm has one thread), so a first deep retraining caches its
 * images' copies in about half the time. With no second process to be had, the first does it all.
 * Progress is over all the files together.
 */
async function cacheOnTwoProcesses(
  modelProcess: ModelProcess,
  pool: ModelProcessPool,
  requests: readonly ActivationCacheRequest[],
  handlers: { signal?: AbortSignal; onProgress?: (progress: DeepJobProgress) => void },
): Promise<void> {
  const total = requests.reduce((sum, r) => sum + r.files.length, 0);
  const done = new Map<ActivationCacheRequest, number>();
  const report = (): void =>
    handlers.onProgress?.({
      phase: 'activations',
      done: [...done.values()].reduce((s, d) => s + d, 0),
      total,
    });
  const queue = [...requests];
  // One failure stops the other process too; the error reported is the first, not the other's "cancelled".
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  if (handlers.signal?.aborted) abort();
  else handlers.signal?.addEventListener('abort', abort, { once: true });
  let failure: unknown;
  const work = async (process: ModelProcess): Promise<void> => {
    try {
      for (let request = queue.shift(); request; request = queue.shift()) {
        const current = request;
        await process.cacheActivations(current, {
          signal: stop.signal,
          onProgress: (progress) => {
            done.set(current, progress.done);
            report();
          },
        });
        done.set(current, current.files.length);
        report();
      }
    } catch (error) {
      failure ??= error;
      stop.abort();
    }
  };
  const second = pool.tryAcquire(modelProcess.config);
  try {
    await Promise.all([work(modelProcess), ...(second ? [work(second.process)] : [])]);
  } finally {
    second?.release();
    handlers.signal?.removeEventListener('abort', abort);
  }
  if (failure !== undefined) throw failure;
}

/**
 * What a deep retraining killed mid-way left behind (its staging folder, a half-written activation
 * file), and activation files of the shipped images that this recipe no longer reads (another cut,
 * an older app version): one retraining runs at a time, so any such file found when one starts
 * belongs to none.
 */
function removeLeftovers(cacheDir: string, keep: readonly string[]): void {
  if (!fs.existsSync(cacheDir)) return;
  const kept = new Set(keep.map((file) => path.basename(file)));
  for (const name of fs.readdirSync(cacheDir)) {
    if (!kept.has(name)) fs.rmSync(path.join(cacheDir, name), { recursive: true, force: true });
  }
}
