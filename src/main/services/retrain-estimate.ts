import type { RetrainEstimate } from '../../api/contract';
import type { RetrainDepth } from '../../api/settings';
import type { Library } from '../library';
import { readModelFiles } from '../model/artifacts/registry';

/** The counts a retraining records: the rows it went through are the shipped ones and the clinic's. */
const ROWS = ['shippedTrain', 'shippedValidation', 'localTrain', 'localValidation'] as const;
const LOCAL = ['localTrain', 'localValidation'] as const;

/**
 * How long a retraining of `depth` should take: the last completed run of that depth in this library
 * gives images per second on this machine; the next run goes through the same shipped images and the
 * clinic's labeled images as they are now. Without such a run there is no measurement, and it says so
 * (null) rather than guess from another machine's figures.
 */
export function retrainEstimate(library: Library, depth: RetrainDepth): RetrainEstimate {
  const last = library.db
    .prepare(
      `SELECT r.started_at AS startedAt, r.finished_at AS finishedAt, m.version
       FROM training_runs r JOIN models m ON m.id = r.model_id
       WHERE r.kind = ? AND r.status = 'completed' AND r.finished_at IS NOT NULL
       ORDER BY r.id DESC LIMIT 1`,
    )
    .get(depth) as { startedAt: string; finishedAt: string; version: string } | undefined;
  const labeled = library.labels.labeledImageCount();
  const record = last && library.models.byVersion(last.version);
  if (!last || !record) return { images: labeled, measured: null };
  const counts = readModelFiles(library.dataDir, record).provenance.counts;
  const sum = (keys: readonly string[]): number => keys.reduce((total, key) => total + (counts[key] ?? 0), 0);
  const seconds = (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000;
  const measuredImages = sum(ROWS);
  const images = measuredImages - sum(LOCAL) + labeled;
  if (!(seconds > 0) || measuredImages === 0) return { images, measured: null };
  const imagesPerSecond = measuredImages / seconds;
  return { images, measured: { imagesPerSecond, seconds: images / imagesPerSecond, at: last.finishedAt } };
}
