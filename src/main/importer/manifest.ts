import path from 'node:path';
import { CsvError, pickColumn, readCsv } from './csv';

/** What a photography system's export says about one image. */
export interface ManifestEntry {
  patient?: string;
  study?: string;
  bodySite?: string;
  lesionId?: string;
}

export interface Manifest {
  file: string;
  /** Entries by path relative to the manifest's folder, with forward slashes. */
  byPath: Map<string, ManifestEntry>;
  /** Entries by bare file name, for manifests that list names only. */
  byName: Map<string, ManifestEntry[]>;
}

const COLUMNS = {
  file: ['file', 'filename', 'file_name', 'path', 'image', 'image_file'],
  patient: ['patient', 'patient_id', 'patient_code'],
  study: ['study', 'study_name', 'session'],
  bodySite: ['body_site', 'site', 'localization', 'location', 'anatomic_site'],
  lesionId: ['lesion_id', 'lesion'],
} as const;

/** Reads a manifest CSV: a `file` column and any of patient, study, body site and lesion id. */
export function readManifest(file: string): Manifest {
  const table = readCsv(file);
  const fileColumn = pickColumn(table, COLUMNS.file);
  if (!fileColumn) {
    throw new CsvError(`Manifest ${file} has no file column (expected one of: ${COLUMNS.file.join(', ')})`);
  }
  const columnOf = (aliases: readonly string[]): string | undefined => pickColumn(table, aliases);
  const patient = columnOf(COLUMNS.patient);
  const study = columnOf(COLUMNS.study);
  const bodySite = columnOf(COLUMNS.bodySite);
  const lesionId = columnOf(COLUMNS.lesionId);
  const manifest: Manifest = { file, byPath: new Map(), byName: new Map() };
  for (const { values } of table.rows) {
    const name = values[fileColumn];
    if (!name) continue;
    const entry: ManifestEntry = {};
    const set = (key: keyof ManifestEntry, column: string | undefined): void => {
      const value = column ? values[column] : undefined;
      if (value) entry[key] = value;
    };
    set('patient', patient);
    set('study', study);
    set('bodySite', bodySite);
    set('lesionId', lesionId);
    const relative = name.replaceAll('\\', '/').replace(/^\.\//, '');
    manifest.byPath.set(relative, entry);
    const base = path.posix.basename(relative);
    manifest.byName.set(base, [...(manifest.byName.get(base) ?? []), entry]);
  }
  return manifest;
}

/** The manifest's entry for an image: by its path from the manifest's folder, else by a unique name. */
export function manifestEntryFor(manifest: Manifest, imagePath: string): ManifestEntry | undefined {
  const relative = path.relative(path.dirname(manifest.file), imagePath).split(path.sep).join('/');
  const exact = manifest.byPath.get(relative);
  if (exact) return exact;
  const named = manifest.byName.get(path.basename(imagePath));
  return named?.length === 1 ? named[0] : undefined;
}
