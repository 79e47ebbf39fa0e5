import type { Library } from '../library';
import { predict } from '../model/training/head';
import type { ModelProcess } from '../model/process/host';
import type { BackendReport } from '../model/process/protocol';
import { activeModel, ensureShippedDefault, type ModelArtifact } from '../model/artifacts/registry';
import type { ModelRecord } from '../library/models';

export interface RankProgress {
  phase: 'embedding' | 'scoring' | 'done';
  total: number;
  embedded: number;
  failed: number;
  /** Images embedded per second so far. */
  rate: number;
}

export interface RankReport {
  model: string;
  backend: BackendReport;
  /** Images embedded now; the others were cached. */
  embedded: number;
  failed: Array<{ imageId: number; path: string; reason: string }>;
  scored: number;
  elapsedMs: number;
}

/** Embeddings are committed in batches: one transaction per image would cost more than the network. */
const COMMIT_EVERY = 64;

/**
 * Brings the library's ranking up to date: embeds the images that have no embedding for the current
 * backbone, then scores every image with the active model, holding the writer lock. Embeddings already
 * cached are never recomputed.
 */
export async function rankLibrary(
  library: Library,
  modelProcess: ModelProcess,
  defaultModelDir: string,
  options: { onProgress?: (progress: RankProgress) => void; signal?: AbortSignal } = {},
): Promise<RankReport> {
  return library.withWriter('ranking', async () => {
    const started = Date.now();
    const { backend, embedded, failed } = await embedMissing(library, modelProcess, options);
    options.onProgress?.({ phase: 'scoring', total: embedded, embedded, failed: failed.length, rate: 0 });
    ensureShippedDefault(library, defaultModelDir);
    const { record, artifact } = activeModel(library);
    if (artifact.backbone !== backend.backboneVersion) {
      throw new Error(
        `the active model ${record.version} needs ${artifact.backbone} embeddings; the model process computes ${backend.backboneVersion}`,
      );
    }
    const scored = rescore(library, record, artifact);
    options.onProgress?.({ phase: 'done', total: embedded, embedded, failed: failed.length, rate: 0 });
    return { model: record.version, backend, embedded, failed, scored, elapsedMs: Date.now() - started };
  });
}

/**
 * Embeds the images that have no embedding for the model process's backbone, in the model process
 * (decoding overlaps inference there), committing in batches as vectors arrive.
 */
export async function embedMissing(
  library: Library,
  modelProcess: ModelProcess,
  options: { onProgress?: (progress: RankProgress) => void; signal?: AbortSignal } = {},
): Promise<Pick<RankReport, 'backend' | 'embedded' | 'failed'>> {
  const started = Date.now();
  const backend = await modelProcess.backend();
  const missing = library.embeddings.missing(backend.backboneVersion);
  const failed: RankReport['failed'] = [];
  let embedded = 0;
  let buffered: Array<[number, Float32Array]> = [];
  const commit = (): void => {
    const rows = buffered;
    buffered = [];
    library.transaction(() => {
      for (const [imageId, vector] of rows) library.embeddings.put(imageId, backend.backboneVersion, vector);
    });
  };
  const progress = (): void =>
    options.onProgress?.({
      phase: 'embedding',
      total: missing.length,
      embedded,
      failed: failed.length,
      rate: embedded / Math.max((Date.now() - started) / 1000, 1e-3),
    });
  progress();
  try {
    await modelProcess.embed(
      missing.map((imageId) => ({ imageId, path: storedPath(library, imageId) })),
      {
        signal: options.signal,
        onEmbedded: (imageId, vector) => {
          buffered.push([imageId, vector]);
          embedded++;
          if (buffered.length >= COMMIT_EVERY) commit();
          progress();
        },
        onImageError: (imageId, path, reason) => failed.push({ imageId, path, reason }),
      },
    );
  } finally {
    // What was embedded before a cancel or a crash is kept: the next run starts from there.
    commit();
  }
  return { backend, embedded, failed };
}

/** Images scored at a time: bounds memory however large the library (10,000 × 1280 floats is 51 MB). */
const SCORE_CHUNK = 10_000;

/**
 * Scores every image that has an embedding for the model's backbone, in one transaction so the queue
 * never mixes old and new scores; no image is decoded.
 */
export function rescore(library: Library, record: ModelRecord, artifact: ModelArtifact): number {
  return library.transaction(() => {
    let scored = 0;
    library.predictions.clear(record.id);
    for (const chunk of library.embeddings.chunks(artifact.backbone, SCORE_CHUNK)) {
      const probabilities = predict(artifact.head, chunk.values, chunk.imageIds.length);
      library.predictions.insert(record.id, chunk.imageIds, probabilities);
      scored += chunk.imageIds.length;
    }
    return scored;
  });
}

/** Where an image's original is in the library's store. */
export function storedPath(library: Library, imageId: number): string {
  const image = library.images.byId(imageId);
  if (!image) throw new Error(`image ${imageId} vanished from the library`);
  return library.store.originalPath(image.sha256, image.format);
}
