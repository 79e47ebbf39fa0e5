import type { z } from 'zod';
import { LabelInputSchema, type Label, type LabelInput } from '../../api/labels';
import { overwriteReason } from '../../api/label-change';
import type { Db } from './database';
import { LibraryError } from './errors';
import { stamp, systemTime, type Clock } from './clock';

interface LabelRow {
  id: number;
  imageId: number;
  melanoma: 0 | 1;
  diagnosis: Label['diagnosis'];
  diagnosisDetail: Label['diagnosisDetail'];
  confirmedBy: Label['confirmedBy'];
  confirmedAt: string | null;
  labeledBy: string;
  labeledAt: string;
  note: string | null;
  withdrawn: 0 | 1;
}

export interface TrainingLabel {
  imageId: number;
  melanoma: boolean;
  lesionId: string | null;
  patientId: number;
  labeledAt: string;
}

const COLUMNS = `id, image_id AS imageId, melanoma, diagnosis, diagnosis_detail AS diagnosisDetail,
  confirmed_by AS confirmedBy,
  confirmed_at AS confirmedAt, labeled_by AS labeledBy, labeled_at AS labeledAt, note, withdrawn`;

/**
 * Ground truth as an append-only history (the database refuses updates and deletes): recording a label
 * adds a row, and the newest row of an image is its current label, unless that row withdraws it.
 */
export class Labels {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  /**
   * Validates and records a label. Returns the current label and whether a row was added: a label equal
   * to the current one adds nothing, so importing the same pathology export twice changes nothing.
   */
  /**
   * The current label `input` would replace only on explicit confirmation (it flips melanoma or
   * weakens the confirmation: label-change.ts), with the reason; null when it may simply be added.
   */
  conflictWith(input: LabelInput): { current: Label; reason: string } | null {
    const label = validLabel(input);
    const current = this.current(label.imageId);
    const reason = current ? overwriteReason(current, label) : null;
    return current && reason ? { current, reason } : null;
  }

  add(input: LabelInput): { label: Label; added: boolean } {
    const label = validLabel(input);
    const diagnosis = label.diagnosis ?? (label.melanoma ? 'mel' : null);
    const current = this.current(label.imageId);
    if (
      current &&
      current.melanoma === label.melanoma &&
      current.diagnosis === diagnosis &&
      current.diagnosisDetail === (label.diagnosisDetail ?? null) &&
      current.confirmedBy === (label.confirmedBy ?? null) &&
      current.confirmedAt === (label.confirmedAt ?? null) &&
      current.note === (label.note ?? null)
    ) {
      return { label: current, added: false };
    }
    this.requireImage(label.imageId);
    const result = this.db
      .prepare(
        `INSERT INTO labels (image_id, melanoma, diagnosis, diagnosis_detail, confirmed_by, confirmed_at, labeled_by,
           labeled_at, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        label.imageId,
        label.melanoma ? 1 : 0,
        diagnosis,
        label.diagnosisDetail ?? null,
        label.confirmedBy ?? null,
        label.confirmedAt ?? null,
        label.labeledBy,
        stamp(this.clock),
        label.note ?? null,
      );
    return { label: this.byId(Number(result.lastInsertRowid)), added: true };
  }

  private requireImage(imageId: number): void {
    const exists = this.db.prepare('SELECT 1 FROM images WHERE id = ?').get(imageId);
    if (!exists) throw new LibraryError(`No image with id ${imageId} in the library.`, 'not-found');
  }

  private byId(id: number): Label {
    return toLabel(this.db.prepare(`SELECT ${COLUMNS} FROM labels WHERE id = ?`).get(id) as LabelRow);
  }

  /**
   * Withdraws the image's current label, as undoing its first label does: the image is unlabeled again.
   * The withdrawal is a new row repeating the label withdrawn. Returns it, or null if there was no label.
   */
  withdraw(imageId: number, withdrawnBy: string): Label | null {
    const current = this.current(imageId);
    if (!current) {
      this.requireImage(imageId);
      return null;
    }
    const result = this.db
      .prepare(
        `INSERT INTO labels (image_id, melanoma, diagnosis, diagnosis_detail, confirmed_by, confirmed_at, labeled_by,
           labeled_at, note, withdrawn)
         SELECT image_id, melanoma, diagnosis, diagnosis_detail, confirmed_by, confirmed_at, ?, ?, note, 1
         FROM labels WHERE id = ?`,
      )
      .run(withdrawnBy, stamp(this.clock), current.id);
    return this.byId(Number(result.lastInsertRowid));
  }

  current(imageId: number): Label | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM labels WHERE image_id = ? ORDER BY id DESC LIMIT 1`)
      .get(imageId) as LabelRow | undefined;
    return row && !row.withdrawn ? toLabel(row) : undefined;
  }

  /** Every label the image ever had and every withdrawal, oldest first. */
  history(imageId: number): Label[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM labels WHERE image_id = ? ORDER BY id`)
      .all(imageId) as LabelRow[];
    return rows.map(toLabel);
  }

  /** Images whose current label can train a model: with an embedding for `backbone`, by image id. */
  trainingLabels(backbone: string): TrainingLabel[] {
    const rows = this.db
      .prepare(
        `SELECT i.id AS imageId, l.melanoma, i.lesion_id AS lesionId, s.patient_id AS patientId,
           l.labeled_at AS labeledAt
         FROM current_labels l
         JOIN images i ON i.id = l.image_id
         JOIN studies s ON s.id = i.study_id
         WHERE EXISTS (SELECT 1 FROM embeddings e WHERE e.image_id = i.id AND e.backbone = ?)
         ORDER BY i.id`,
      )
      .all(backbone) as Array<Omit<TrainingLabel, 'melanoma'> & { melanoma: 0 | 1 }>;
    return rows.map((row) => ({ ...row, melanoma: row.melanoma === 1 }));
  }

  /** Images labeled or relabeled after `snapshot` (a labeled_at time); every labeled image when null. */
  imagesLabeledSince(snapshot: string | null): number {
    return this.db
      .prepare('SELECT count(DISTINCT image_id) FROM labels WHERE labeled_at > ?')
      .pluck()
      .get(snapshot ?? '') as number;
  }

  labeledImageCount(): number {
    return this.db.prepare('SELECT count(*) FROM current_labels').pluck().get() as number;
  }
}

/** The label, checked: a LibraryError ('invalid') names the first field that is wrong. */
function validLabel(input: LabelInput): z.output<typeof LabelInputSchema> {
  const parsed = LabelInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LibraryError(
      `Invalid label, ${issue?.path.join('.') || 'label'}: ${issue?.message}`,
      'invalid',
    );
  }
  return parsed.data;
}

function toLabel(row: LabelRow): Label {
  return { ...row, melanoma: row.melanoma === 1, withdrawn: row.withdrawn === 1 };
}
