import type { Db } from './database';

export interface ExportRow {
  imageId: number;
  fileName: string;
  patient: string;
  study: string;
  melanoma: boolean | null;
  diagnosis: string | null;
  confirmedBy: string | null;
  probability: number | null;
  modelVersion: string | null;
  diagnosisDetail: string | null;
}

export function exportRows(db: Db): ExportRow[] {
  const rows = db
    .prepare(
      `SELECT i.id AS imageId, i.original_name AS fileName, p.code AS patient, s.name AS study,
         l.melanoma, l.diagnosis, l.confirmed_by AS confirmedBy,
         pr.probability, m.version AS modelVersion, l.diagnosis_detail AS diagnosisDetail
       FROM images i
       JOIN studies s ON s.id = i.study_id
       JOIN patients p ON p.id = s.patient_id
       LEFT JOIN current_labels l ON l.image_id = i.id
       LEFT JOIN predictions pr ON pr.rowid = (
         SELECT rowid FROM predictions WHERE image_id = i.id ORDER BY created_at DESC, model_id DESC LIMIT 1)
       LEFT JOIN models m ON m.id = pr.model_id
       ORDER BY i.id`,
    )
    .all() as Array<Omit<ExportRow, 'melanoma'> & { melanoma: 0 | 1 | null }>;
  return rows.map((row) => ({ ...row, melanoma: row.melanoma === null ? null : row.melanoma === 1 }));
}

export const EXPORT_COLUMNS = [
  'image_id',
  'file_name',
  'patient',
  'study',
  'melanoma',
  'diagnosis',
  'confirmed_by',
  'probability',
  'model_version',
  // Last, so that scripts reading the columns by position keep reading the same ones.
  'diagnosis_detail',
] as const;

/** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled. */
export function toExportCsv(rows: ExportRow[]): string {
  const field = (value: string | number | boolean | null): string => {
    if (value === null) return '';
    const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = rows.map((r) =>
    [
      r.imageId,
      r.fileName,
      r.patient,
      r.study,
      r.melanoma,
      r.diagnosis,
      r.confirmedBy,
      r.probability,
      r.modelVersion,
      r.diagnosisDetail,
    ]
      .map(field)
      .join(','),
  );
  return [EXPORT_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}
