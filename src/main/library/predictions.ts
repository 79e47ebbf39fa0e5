import type { Db } from './database';
import { now } from './clock';

export interface QueueFilter {
  patient?: string;
  studyId?: number;
  labeled?: boolean;
  /** Only images at or above the model's operating threshold. */
  suspicious?: boolean;
  /** Only images whose current label says melanoma (true) or not (false). */
  melanoma?: boolean;
  diagnosis?: string;
}

export interface QueueOptions extends QueueFilter {
  modelId: number;
  threshold: number;
  /** 'probability': most suspicious first. 'uncertainty': unlabeled images nearest the threshold first. */
  order: 'probability' | 'uncertainty';
  limit: number;
  offset?: number;
}

export interface QueueEntry {
  imageId: number;
  fileName: string;
  patient: string;
  study: string;
  probability: number;
  suspicious: boolean;
  melanoma: boolean | null;
  diagnosis: string | null;
  confirmedBy: string | null;
}

/** Each model's probability for each image, and the ranked queue the dermatologist works through. */
export class Predictions {
  constructor(private readonly db: Db) {}

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
   */
  insert(modelId: number, imageIds: number[], probabilities: Float32Array | number[]): void {
    const statement = this.db.prepare(
      'INSERT INTO predictions (image_id, model_id, probability, created_at) VALUES (?, ?, ?, ?)',
    );
    const at = now();
    this.db.transaction(() => {
      imageIds.forEach((id, i) => statement.run(id, modelId, probabilities[i], at));
    })();
  }

  queue(options: QueueOptions): QueueEntry[] {
    const where = ['pr.model_id = @modelId'];
    if (options.patient !== undefined) where.push('p.code = @patient');
    if (options.studyId !== undefined) where.push('s.id = @studyId');
    if (options.labeled !== undefined) where.push(options.labeled ? 'l.id IS NOT NULL' : 'l.id IS NULL');
    if (options.suspicious !== undefined) {
      where.push(options.suspicious ? 'pr.probability >= @threshold' : 'pr.probability < @threshold');
    }
    if (options.melanoma !== undefined) where.push('l.melanoma = @melanoma');
    if (options.diagnosis !== undefined) where.push('l.diagnosis = @diagnosis');
    // Distance from the threshold in log-odds: near a low threshold, 0.04 and 0.06 are far apart.
    const order =
      options.order === 'probability'
        ? 'pr.probability DESC, i.id'
        : `abs(ln(max(min(pr.probability, 0.999999), 0.000001) / (1 - max(min(pr.probability, 0.999999), 0.000001)))
             - ln(@threshold / (1 - @threshold))), i.id`;
    const rows = this.db
      .prepare(
        `SELECT i.id AS imageId, i.original_name AS fileName, p.code AS patient, s.name AS study,
           pr.probability, pr.probability >= @threshold AS suspicious,
           l.melanoma, l.diagnosis, l.confirmed_by AS confirmedBy
         FROM predictions pr
         JOIN images i ON i.id = pr.image_id
         JOIN studies s ON s.id = i.study_id
         JOIN patients p ON p.id = s.patient_id
         LEFT JOIN current_labels l ON l.image_id = i.id
         WHERE ${where.join(' AND ')}
         ORDER BY ${order}
         LIMIT @limit OFFSET @offset`,
      )
      .all(
        definedOnly({
          modelId: options.modelId,
          threshold: options.threshold,
          patient: options.patient,
          studyId: options.studyId,
          melanoma: options.melanoma === undefined ? undefined : options.melanoma ? 1 : 0,
          diagnosis: options.diagnosis,
          limit: options.limit,
          offset: options.offset ?? 0,
        }),
      ) as Array<Omit<QueueEntry, 'suspicious' | 'melanoma'> & { suspicious: 0 | 1; melanoma: 0 | 1 | null }>;
    return rows.map((row) => ({
      ...row,
      suspicious: row.suspicious === 1,
      melanoma: row.melanoma === null ? null : row.melanoma === 1,
    }));
  }
}

/** better-sqlite3 refuses undefined parameter values; filters that are not set bind nothing. */
function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
