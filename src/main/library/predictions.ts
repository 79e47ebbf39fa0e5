import type { Db } from './database';
import { stamp, systemTime, type Clock } from './clock';
import { queuePage, queueTotal, type QueueEntry, type QueueOptions, type QueueScope } from './queue';

export type { QueueEntry, QueueFilter, QueueOptions, QueueScope } from './queue';

/** Each model's probability for each image, and the ranked queue the dermatologist works through. */
export class Predictions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  /** Images at or above `threshold` under a model, counted per study. */
  suspiciousByStudy(modelId: number, threshold: number): Map<number, number> {
    const rows = this.db
      .prepare(
        `SELECT i.study_id AS studyId, count(*) AS n FROM predictions pr JOIN images i ON i.id = pr.image_id
         WHERE pr.model_id = ? AND pr.probability >= ? GROUP BY i.study_id`,
      )
      .all(modelId, threshold) as Array<{ studyId: number; n: number }>;
    return new Map(rows.map((r) => [r.studyId, r.n]));
  }

  /** One image's probability under a model, if the model has scored it. */
  probability(modelId: number, imageId: number): number | undefined {
    return this.db
      .prepare('SELECT probability FROM predictions WHERE model_id = ? AND image_id = ?')
      .pluck()
      .get(modelId, imageId) as number | undefined;
  }

  /** Forgets a model's probabilities, before it scores the library afresh. */
  clear(modelId: number): void {
    this.db.prepare('DELETE FROM predictions WHERE model_id = ?').run(modelId);
  }

  /**
   * Adds a model's probabilities for images it has not scored yet (after clear). A plain INSERT: with
   * foreign keys on, INSERT OR REPLACE costs seven times as much, which re-scoring 100k images feels.
   * Each row takes the image's current label, which the queue filters on (migration 4 keeps it after).
   */
  insert(modelId: number, imageIds: number[], probabilities: Float32Array | number[]): void {
    const statement = this.db.prepare(
      `INSERT INTO predictions (image_id, model_id, probability, created_at, label_melanoma)
       VALUES (?, ?, ?, ?, (SELECT melanoma FROM current_labels WHERE image_id = ?))`,
    );
    const at = stamp(this.clock);
    this.db.transaction(() => {
      imageIds.forEach((id, i) => statement.run(id, modelId, probabilities[i], at, id));
    })();
  }

  /** A page of the ranked queue (see queue.ts). */
  queue(options: QueueOptions): QueueEntry[] {
    return queuePage(this.db, options);
  }

  /** How many images the ranked queue holds under these filters. */
  queueTotal(scope: QueueScope): number {
    return queueTotal(this.db, scope);
  }
}
