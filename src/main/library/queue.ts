/**
 * The ranked queue, read a page at a time at any offset. A page of a 100k-image library takes a few
 * milliseconds: the filters and the order are answered from one index, predictions_rank (model,
 * probability, image, current label; migration 4), so skipping to an offset walks that index alone, and
 * only the page's own rows are joined with their images, studies and labels.
 */
import type { Db } from './database';

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

/** Which model's ranking, and the threshold its suspicious flag is drawn at. */
export interface QueueScope extends QueueFilter {
  modelId: number;
  threshold: number;
}

export interface QueueOptions extends QueueScope {
  /** 'probability': most suspicious first. 'uncertainty': nearest the threshold first. */
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

/** How many images the queue holds under these filters. */
export function queueTotal(db: Db, scope: QueueScope): number {
  return db
    .prepare(`SELECT count(*) FROM predictions pr WHERE ${where(scope)}`)
    .pluck()
    .get(params(scope)) as number;
}

/**
 * `limit` entries from `offset` on. The order is total (ties go by image id), so consecutive pages
 * neither repeat nor skip an image while the library does not change.
 */
export function queuePage(db: Db, options: QueueOptions): QueueEntry[] {
  const rows = db.prepare(pageStatement(options)).all(pageParams(options)) as Array<
    Omit<QueueEntry, 'suspicious' | 'melanoma'> & { suspicious: 0 | 1; melanoma: 0 | 1 | null }
  >;
  return rows.map((row) => ({
    ...row,
    suspicious: row.suspicious === 1,
    melanoma: row.melanoma === null ? null : row.melanoma === 1,
  }));
}

/** SQLite's plan for a page, one step a line: what the benchmark prints and a test holds to the index. */
export function queuePlan(db: Db, options: QueueOptions): string[] {
  return (
    db.prepare(`EXPLAIN QUERY PLAN ${pageStatement(options)}`).all(pageParams(options)) as Array<{
      detail: string;
    }>
  ).map((step) => step.detail);
}

function pageStatement(options: QueueOptions): string {
  const ranked = options.order === 'probability' ? byProbability(options) : byUncertainty(options);
  const order = options.order === 'probability' ? PROBABILITY_ORDER('page') : UNCERTAINTY_ORDER('page');
  return `WITH page AS (${ranked})
    SELECT i.id AS imageId, i.original_name AS fileName, p.code AS patient, s.name AS study,
      page.probability, page.probability >= @threshold AS suspicious,
      l.melanoma, l.diagnosis, l.confirmed_by AS confirmedBy
    FROM page
    JOIN images i ON i.id = page.image_id
    JOIN studies s ON s.id = i.study_id
    JOIN patients p ON p.id = s.patient_id
    LEFT JOIN current_labels l ON l.image_id = page.image_id
    ORDER BY ${order}`;
}

function pageParams(options: QueueOptions): Record<string, unknown> {
  const offset = options.offset ?? 0;
  return { ...params(options), limit: options.limit, offset, reach: offset + options.limit };
}

const PROBABILITY_ORDER = (alias: string): string => `${alias}.probability DESC, ${alias}.image_id`;

/** Log-odds, clamped so that 0 and 1 stay finite. */
const logit = (x: string): string =>
  `ln(max(min(${x}, 0.999999), 0.000001) / (1 - max(min(${x}, 0.999999), 0.000001)))`;

/**
 * Distance from the threshold in log-odds (near a low threshold, 0.04 and 0.06 are far apart). Where the
 * clamp makes distances equal, the distance in probability decides, which keeps this order the same as
 * each side's own order by probability (see byUncertainty).
 */
const UNCERTAINTY_ORDER = (alias: string): string =>
  `abs(${logit(`${alias}.probability`)} - ${logit('@threshold')}), abs(${alias}.probability - @threshold),
   ${alias}.image_id`;

function byProbability(options: QueueOptions): string {
  return `SELECT pr.image_id, pr.probability FROM predictions pr WHERE ${where(options)}
    ORDER BY ${PROBABILITY_ORDER('pr')} LIMIT @limit OFFSET @offset`;
}

/**
 * The distance from the threshold grows with the probability above it and shrinks with it below, so
 * the first n images nearest the threshold are among the first n of each side read along the ranking
 * index. Only those 2n are sorted by distance: a page near the top costs as little as one by
 * probability, a page at 90k of 100k about as much as sorting them all (tens of ms). An index on the
 * distance would make every page cheap but cost each re-scoring a second index to write.
 */
function byUncertainty(options: QueueOptions): string {
  const side = (range: string, order: string): string =>
    `SELECT * FROM (SELECT pr.image_id, pr.probability FROM predictions pr
       WHERE ${where(options)} AND pr.probability ${range} @threshold ORDER BY ${order} LIMIT @reach)`;
  return `SELECT * FROM (
      ${side('>=', 'pr.probability, pr.image_id')}
      UNION ALL
      ${side('<', 'pr.probability DESC, pr.image_id')}
    ) AS near ORDER BY ${UNCERTAINTY_ORDER('near')} LIMIT @limit OFFSET @offset`;
}

/** The filters on `predictions pr`, answered from the ranking index where they can be. */
function where(scope: QueueScope): string {
  const conditions = ['pr.model_id = @modelId'];
  if (scope.labeled !== undefined) {
    conditions.push(`pr.label_melanoma IS ${scope.labeled ? 'NOT NULL' : 'NULL'}`);
  }
  if (scope.melanoma !== undefined) conditions.push('pr.label_melanoma = @melanoma');
  if (scope.suspicious !== undefined) {
    conditions.push(`pr.probability ${scope.suspicious ? '>=' : '<'} @threshold`);
  }
  if (scope.diagnosis !== undefined) {
    conditions.push(`pr.label_melanoma IS NOT NULL AND pr.image_id IN (
      SELECT image_id FROM current_labels WHERE diagnosis = @diagnosis)`);
  }
  if (scope.studyId !== undefined) {
    conditions.push('pr.image_id IN (SELECT id FROM images WHERE study_id = @studyId)');
  }
  if (scope.patient !== undefined) {
    conditions.push(`pr.image_id IN (
      SELECT i.id FROM images i JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id
      WHERE p.code = @patient)`);
  }
  return conditions.join(' AND ');
}

/** The filters' parameters: those not set bind nothing (better-sqlite3 ignores names a statement lacks). */
function params(scope: QueueScope): Record<string, unknown> {
  const values: Record<string, unknown> = {
    modelId: scope.modelId,
    threshold: scope.threshold,
    patient: scope.patient,
    studyId: scope.studyId,
    melanoma: scope.melanoma === undefined ? undefined : scope.melanoma ? 1 : 0,
    diagnosis: scope.diagnosis,
  };
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
