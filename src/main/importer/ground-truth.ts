import path from 'node:path';
import { CONFIRMATIONS, type Confirmation, type Diagnosis, type DiagnosisDetail } from '../../api/labels';
import { readDiagnosis, unknownDiagnosisMessage } from '../../api/diagnosis-words';
import { describeLabel } from '../../api/label-change';
import type { Library } from '../library';
import { LibraryError } from '../library/errors';
import { CsvError, pickColumn, readCsv, readYesNo } from './csv';

export interface GroundTruthReport {
  file: string;
  rows: number;
  /** Labels recorded. */
  added: number;
  /** Rows equal to the image's current label: nothing to record. */
  unchanged: number;
  failed: number;
  problems: Array<{ line: number; reason: string }>;
  /** Rows that would flip melanoma or weaken a confirmation, left out for want of `overwrite`. */
  skipped: number;
  skips: Array<{ line: number; imageId: number; current: string; proposed: string; reason: string }>;
  /** Rows recorded with a caveat, such as a diagnosis word read as "other". */
  warnings: Array<{ line: number; reason: string }>;
}

const COLUMNS = {
  image: ['image_id', 'image', 'id', 'file', 'filename', 'file_name', 'path'],
  melanoma: ['melanoma', 'is_melanoma'],
  diagnosis: ['diagnosis', 'dx'],
  confirmation: ['confirmed_by', 'confirmation', 'dx_type', 'confirmation_method'],
  date: ['date', 'confirmed_at', 'confirmation_date', 'diagnosis_date'],
  note: ['note', 'notes', 'comment'],
  lesionId: ['lesion_id', 'lesion'],
} as const;

const CONFIRMATION_WORDS: Record<string, Confirmation> = {
  histo: 'histopathology',
  histology: 'histopathology',
  pathology: 'histopathology',
  follow_up: 'follow-up',
  followup: 'follow-up',
  clinic: 'clinical',
};

/**
 * Records ground truth from a CSV such as a pathology export or HAM10000's labels.csv: one row per image
 * (by library id, file name, or file name without extension), melanoma, diagnosis, how confirmed, date.
 * A bad row is reported with its line and field; the other rows are still recorded.
 */
export function importGroundTruth(
  library: Library,
  file: string,
  actor: string,
  options: { overwrite?: boolean } = {},
): GroundTruthReport {
  const table = readCsv(file);
  const imageColumns = COLUMNS.image.filter((column) => table.columns.includes(column));
  if (imageColumns.length === 0) {
    throw new CsvError(`${file} has no image column (expected one of: ${COLUMNS.image.join(', ')})`);
  }
  const column = (aliases: readonly string[]): string | undefined => pickColumn(table, aliases);
  const melanomaColumn = column(COLUMNS.melanoma);
  const diagnosisColumn = column(COLUMNS.diagnosis);
  if (!melanomaColumn && !diagnosisColumn) {
    throw new CsvError(`${file} has neither a melanoma nor a diagnosis column`);
  }
  const columns = {
    melanoma: melanomaColumn,
    diagnosis: diagnosisColumn,
    confirmation: column(COLUMNS.confirmation),
    date: column(COLUMNS.date),
    note: column(COLUMNS.note),
    lesionId: column(COLUMNS.lesionId),
  };
  const byName = library.images.idsByName();
  const report: GroundTruthReport = {
    file,
    rows: table.rows.length,
    added: 0,
    unchanged: 0,
    failed: 0,
    problems: [],
    skipped: 0,
    skips: [],
    warnings: [],
  };

  library.transaction(() => {
    for (const { line, values } of table.rows) {
      try {
        const imageId = resolveImage(library, byName, imageColumns, values);
        const value = (name: string | undefined): string => (name ? (values[name] ?? '').trim() : '');
        const melanoma = columns.melanoma ? parseYesNo(value(columns.melanoma), columns.melanoma) : undefined;
        const { diagnosis, detail, warning } = parseDiagnosis(
          value(columns.diagnosis),
          columns.diagnosis,
          melanoma,
        );
        const label = {
          imageId,
          melanoma: melanoma ?? diagnosis === 'mel',
          diagnosis,
          diagnosisDetail: detail,
          confirmedBy: parseConfirmation(value(columns.confirmation), columns.confirmation),
          confirmedAt: parseDate(value(columns.date), columns.date),
          note: value(columns.note) || undefined,
          labeledBy: actor,
        };
        // Validated first: a bad row is reported as bad, not as skipped.
        const conflict = options.overwrite ? null : library.labels.conflictWith(label);
        if (conflict) {
          const { current, reason } = conflict;
          report.skipped++;
          report.skips.push({
            line,
            imageId,
            current: describeLabel(current),
            proposed: describeLabel(label),
            reason,
          });
          continue;
        }
        const { added } = library.labels.add(label);
        if (warning) report.warnings.push({ line, reason: warning });
        if (added) report.added++;
        else report.unchanged++;
        const lesionId = value(columns.lesionId);
        if (lesionId) library.images.setLesionIdIfMissing(imageId, lesionId);
      } catch (error) {
        if (!(error instanceof RowError || error instanceof LibraryError)) throw error;
        report.failed++;
        report.problems.push({ line, reason: error.message });
      }
    }
    library.audit.record(actor, 'labels.import', path.basename(file), {
      rows: report.rows,
      added: report.added,
      failed: report.failed,
      skipped: report.skipped,
    });
  });
  return report;
}

class RowError extends Error {}

function resolveImage(
  library: Library,
  byName: Map<string, number[]>,
  imageColumns: string[],
  values: Record<string, string>,
): number {
  const tried: string[] = [];
  for (const column of imageColumns) {
    const raw = (values[column] ?? '').trim();
    if (!raw) continue;
    tried.push(`${column} "${raw}"`);
    const ids = byName.get(path.posix.basename(raw.replaceAll('\\', '/')));
    if (ids?.length === 1 && ids[0] !== undefined) return ids[0];
    if (ids && ids.length > 1) {
      throw new RowError(
        `${column} "${raw}" matches ${ids.length} images (ids ${ids.join(', ')}); use the image id`,
      );
    }
    // A bare number that names no file is the library's own image id.
    if (/^\d+$/.test(raw) && library.images.byId(Number(raw))) return Number(raw);
  }
  throw new RowError(
    tried.length ? `no image in the library matches ${tried.join(' or ')}` : 'no image named',
  );
}

function parseYesNo(raw: string, column: string): boolean | undefined {
  const answer = readYesNo(raw);
  if (answer === null) throw new RowError(`${column}: "${raw}" is not yes/no`);
  return answer;
}

/**
 * A code or a name; an unknown word fails the row unless the melanoma column says what matters, in
 * which case the row is kept as "other" (or as the melanoma it says it is) with a warning.
 */
function parseDiagnosis(
  raw: string,
  column: string | undefined,
  melanoma: boolean | undefined,
): { diagnosis?: Diagnosis; detail?: DiagnosisDetail; warning?: string } {
  if (raw === '') return {};
  const known = readDiagnosis(raw);
  if (known) return { diagnosis: known.diagnosis, detail: known.detail ?? undefined };
  const message = `${column}: ${unknownDiagnosisMessage(raw)}`;
  if (melanoma === undefined) throw new RowError(message);
  return {
    diagnosis: melanoma ? 'mel' : 'other',
    warning: `${message}; recorded as ${melanoma ? 'melanoma' : '"other"'} from the melanoma column`,
  };
}

function parseConfirmation(raw: string, column: string | undefined): Confirmation | undefined {
  const word = raw.toLowerCase().replace(/[\s-]+/g, '_');
  if (word === '') return undefined;
  const known = CONFIRMATION_WORDS[word] ?? CONFIRMATIONS.find((c) => c.replace('-', '_') === word);
  if (known) return known;
  throw new RowError(`${column}: "${raw}" is not one of ${CONFIRMATIONS.join(', ')}`);
}

function parseDate(raw: string, column: string | undefined): string | undefined {
  if (raw === '') return undefined;
  const date = raw.slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date))) return date;
  throw new RowError(`${column}: "${raw}" is not a date (YYYY-MM-DD)`);
}
