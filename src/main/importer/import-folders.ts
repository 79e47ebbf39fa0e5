import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../library';
import type { NewImage } from '../library/images';
import { DEFAULT_MAX_PIXELS, ImageRejected, inspectImage, sha256 } from '../imaging/inspect';
import { manifestEntryFor, readManifest, type Manifest, type ManifestEntry } from './manifest';
import type { FileOutcome, ImportProgress, ImportReport } from './report';
import { describe, scanFolders } from './scan';
import { LibraryError } from '../library/errors';
import { z } from 'zod';

export interface ImportOptions {
  folders: string[];
  /** The patient's pseudonymous id; a manifest row may name another. */
  patient: string;
  /** Defaults to the first folder's name. */
  study?: string;
  /** The study's date, an ISO calendar date (YYYY-MM-DD); default: today. */
  studyDate?: string;
  /**
   * Create `patient` when the library has no patient by that id (the default, as the CLI's --patient
   * always has). The window sends false unless the user chose to create one, so a typo is refused.
   */
  createPatient?: boolean;
  /** A manifest CSV; without one, a manifest.csv at the top of each folder is used when present. */
  manifest?: string;
  /** Who is importing, for the audit log. */
  actor: string;
  maxPixels?: number;
  /** Files decoded at once: sharp decodes on libuv's thread pool, so a few in flight keep both cores busy. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

/** Larger files are not photographs of skin; reading them whole would only exhaust memory. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Rows are committed in batches: one commit per file would cost more than the decoding. */
const BATCH_SIZE = 64;
const BATCH_MS = 500;
const PROGRESS_MS = 100;

/**
 * Imports folders of photographs into studies. Each image is copied into the store before its row is
 * committed, so a kill at any moment leaves at worst a stored file without a row, which the next run
 * adopts or sweeps. Running the same import again completes it: files already there are counted as
 * already imported, not duplicated.
 */
export async function importFolders(library: Library, options: ImportOptions): Promise<ImportReport> {
  refuseInvalidImport(library, options);
  const started = Date.now();
  const folders = options.folders.map((folder) => path.resolve(folder));
  const studyName = options.study ?? path.basename(folders[0] ?? 'import');
  const { release } = library.writer.acquire('import');
  try {
    library.importRuns.markInterrupted();
    const known = library.images.allSha256();
    library.store.sweep((sha) => known.has(sha));

    const warnings: string[] = [];
    const manifests = loadManifests(folders, options.manifest);
    const studies = new StudyResolver(library, options, studyName, folders[0]);
    const defaultStudy = studies.resolve({});
    const runId = library.importRuns.start(defaultStudy, folders);
    library.audit.record(options.actor, 'import.start', `study:${defaultStudy}`, {
      runId,
      folders: folders.length,
    });

    const counts = { found: 0, processed: 0, imported: 0, alreadyImported: 0, duplicates: 0, failed: 0 };
    const outcomes: FileOutcome[] = [];
    let lastProgress = 0;
    const progress = (phase: ImportProgress['phase'], force = false): void => {
      const time = Date.now();
      if (!options.onProgress || (!force && time - lastProgress < PROGRESS_MS)) return;
      lastProgress = time;
      const elapsedMs = time - started;
      options.onProgress({
        phase,
        ...counts,
        elapsedMs,
        rate: counts.processed / Math.max(elapsedMs / 1000, 1e-3),
      });
    };
    const fail = (file: string, reason: string): void => {
      counts.failed++;
      outcomes.push({ path: file, status: 'failed', reason });
    };

    progress('scanning', true);
    const entries = await scanFolders(folders, new Set(manifests.map((m) => m.file)));
    const files = entries.filter((entry) => entry.kind === 'file');
    counts.found = entries.length;
    for (const entry of entries) if (entry.kind === 'problem') fail(entry.path, entry.reason);
    counts.processed = counts.failed;
    progress('importing', true);

    const pending: NewImage[] = [];
    // Hashes being imported but not yet committed, so a copy in the same batch is still caught. Only
    // those: committed rows answer for themselves, and memory stays flat however large the import.
    const inFlight = new Map<string, { originalPath: string; studyId: number }>();
    // Copies found under other names, recorded as sources of their image once its row exists.
    let copies: Array<{ sha256: string; studyId: number; path: string }> = [];
    let lastFlush = Date.now();
    const flush = (): void => {
      if (pending.length === 0 && copies.length === 0) return;
      const rows = pending.splice(0);
      library.transaction(() => {
        for (const row of rows) library.images.insert(row);
        copies = copies.filter((copy) => {
          if (library.images.bySha256(copy.sha256))
            library.images.addSource(copy.sha256, copy.studyId, copy.path);
          // Keep a copy whose original is still being decoded; drop one whose original failed.
          else return inFlight.has(copy.sha256);
          return false;
        });
      });
      for (const row of rows) inFlight.delete(row.sha256);
      lastFlush = Date.now();
    };

    // Files claim their hash in scan order, so that of two identical files the one found first is the
    // original, however the reads overlap: each waits for the previous file's claim.
    let claims: Promise<unknown> = Promise.resolve();
    const importFile = async (file: string): Promise<void> => {
      const manifestEntry = manifestFor(manifests, file);
      const read = readImageFile(file).then(
        (bytes) => ({ bytes }),
        (error: unknown) => ({ error }),
      );
      const turn = claims.then(() => read);
      claims = turn;
      const result = await turn;
      if ('error' in result) {
        const { error } = result;
        return fail(file, error instanceof ImageRejected ? error.message : describe(error, 'file'));
      }
      const { bytes } = result;
      const hash = sha256(bytes);
      const studyId = studies.resolve(manifestEntry ?? {});
      const existing = library.images.bySha256(hash);
      if (existing && existing.studyId === studyId && existing.originalPath === file) {
        counts.alreadyImported++;
        return;
      }
      const earlier = existing ?? inFlight.get(hash);
      if (earlier !== undefined) {
        counts.duplicates++;
        const owners = crossPatient(library, earlier.studyId, studyId);
        outcomes.push({
          path: file,
          status: 'duplicate',
          imageId: existing?.id ?? 0,
          duplicateOf: earlier.originalPath,
          ...owners,
        });
        if (owners) warnings.push(crossPatientWarning(file, earlier.originalPath, owners));
        copies.push({ sha256: hash, studyId, path: file });
        return;
      }
      inFlight.set(hash, { originalPath: file, studyId });
      let image;
      try {
        image = await inspectImage(bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS);
      } catch (error) {
        inFlight.delete(hash);
        return fail(file, error instanceof ImageRejected ? error.message : `cannot decode: ${String(error)}`);
      }
      await library.store.putOriginal(hash, image.format, bytes);
      await library.store.putThumbnail(hash, image.thumbnail);
      pending.push({
        studyId,
        sha256: hash,
        originalPath: file,
        originalName: path.basename(file),
        format: image.format,
        width: image.width,
        height: image.height,
        orientation: image.orientation,
        bytes: bytes.length,
        capturedAt: image.capturedAt,
        bodySite: manifestEntry?.bodySite ?? null,
        lesionId: manifestEntry?.lesionId ?? null,
      });
      counts.imported++;
      if (pending.length >= BATCH_SIZE || Date.now() - lastFlush > BATCH_MS) flush();
    };

    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length && !options.signal?.aborted) {
        const entry = files[next++];
        if (!entry) break;
        try {
          await importFile(entry.path);
        } catch (error) {
          fail(entry.path, `import failed: ${(error as Error).message}`);
        }
        counts.processed++;
        progress('importing');
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 6) }, worker));
    flush();
    duplicatesOfPending(outcomes, library);

    const cancelled = options.signal?.aborted === true && next < files.length;
    const status = cancelled ? 'cancelled' : 'completed';
    library.importRuns.finish(runId, status, counts);
    warnings.push(
      ...unmatchedManifestRows(
        manifests,
        files.map((f) => f.path),
      ),
    );
    const elapsedMs = Date.now() - started;
    const report: ImportReport = {
      runId,
      status,
      patient: options.patient,
      study: studyName,
      studyId: defaultStudy,
      found: counts.found,
      imported: counts.imported,
      alreadyImported: counts.alreadyImported,
      duplicates: counts.duplicates,
      failed: counts.failed,
      notProcessed: counts.found - counts.processed,
      elapsedMs,
      rate: counts.processed / Math.max(elapsedMs / 1000, 1e-3),
      files: outcomes,
      warnings,
    };
    library.audit.record(options.actor, `import.${status}`, `study:${defaultStudy}`, {
      runId,
      imported: counts.imported,
      duplicates: counts.duplicates,
      failed: counts.failed,
    });
    progress('done', true);
    return report;
  } finally {
    release();
  }
}

/** Refuses, before anything is written, a patient the user did not ask to create and a malformed date. */
export function refuseInvalidImport(
  library: Library,
  options: Pick<ImportOptions, 'patient' | 'createPatient' | 'studyDate'>,
): void {
  if (options.createPatient === false && !library.patients.findPatient(options.patient)) {
    throw new LibraryError(
      `No patient "${options.patient.trim()}" in the library: choose an existing patient, or ask to create it.`,
      'not-found',
    );
  }
  const date = options.studyDate;
  if (date !== undefined && !z.iso.date().safeParse(date).success) {
    throw new LibraryError(`The study date "${date}" is not a calendar date written YYYY-MM-DD.`, 'invalid');
  }
}

/** Both patients, when a photograph being imported for one is already stored for another. */
function crossPatient(
  library: Library,
  storedStudyId: number,
  importedStudyId: number,
): { patient: string; otherPatient: string } | undefined {
  if (storedStudyId === importedStudyId) return undefined;
  const stored = library.patients.patientOfStudy(storedStudyId);
  const imported = library.patients.patientOfStudy(importedStudyId);
  if (!stored || !imported || stored.id === imported.id) return undefined;
  return { patient: imported.code, otherPatient: stored.code };
}

function crossPatientWarning(
  file: string,
  original: string,
  owners: { patient: string; otherPatient: string },
): string {
  return (
    `${file}, imported for patient ${owners.patient}, is the same photograph as ${original} of patient ` +
    `${owners.otherPatient}: check that the two patients are not mixed up`
  );
}

async function readImageFile(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new ImageRejected('not-image', 'empty file (0 bytes)');
    if (size > MAX_FILE_BYTES) {
      throw new ImageRejected('too-many-pixels', `file too large: ${(size / 2 ** 20).toFixed(0)} MiB`);
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** A duplicate of a file imported earlier in the same run learns that file's image id once it has one. */
function duplicatesOfPending(outcomes: FileOutcome[], library: Library): void {
  for (const outcome of outcomes) {
    if (outcome.status === 'duplicate' && outcome.imageId === 0) {
      const id = library.db
        .prepare('SELECT id FROM images WHERE original_path = ?')
        .pluck()
        .get(outcome.duplicateOf);
      if (typeof id === 'number') outcome.imageId = id;
    }
  }
}

function loadManifests(folders: string[], explicit: string | undefined): Manifest[] {
  if (explicit) return [readManifest(path.resolve(explicit))];
  return folders
    .map((folder) => path.join(folder, 'manifest.csv'))
    .filter((file) => fs.existsSync(file))
    .map(readManifest);
}

function manifestFor(manifests: Manifest[], file: string): ManifestEntry | undefined {
  for (const manifest of manifests) {
    const entry = manifestEntryFor(manifest, file);
    if (entry) return entry;
  }
  return undefined;
}

function unmatchedManifestRows(manifests: Manifest[], files: string[]): string[] {
  const warnings: string[] = [];
  for (const manifest of manifests) {
    const seen = new Set(
      files.map((file) => path.relative(path.dirname(manifest.file), file).split(path.sep).join('/')),
    );
    const names = new Set(files.map((file) => path.basename(file)));
    for (const relative of manifest.byPath.keys()) {
      if (!seen.has(relative) && !names.has(path.posix.basename(relative))) {
        warnings.push(`${manifest.file}: lists ${relative}, which is not in the imported folders`);
      }
    }
  }
  return warnings;
}

/** Patients and studies named by the options or a manifest row, created on first use. */
class StudyResolver {
  private readonly cache = new Map<string, number>();

  constructor(
    private readonly library: Library,
    private readonly options: ImportOptions,
    private readonly defaultStudy: string,
    private readonly sourceFolder: string | undefined,
  ) {}

  resolve(entry: ManifestEntry): number {
    const patient = entry.patient ?? this.options.patient;
    const study = entry.study ?? this.defaultStudy;
    const key = `${patient}\u0000${study}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const { library, options } = this;
    const id = library.transaction(() => {
      const p = library.patients.ensurePatient(patient);
      if (p.created) library.audit.record(options.actor, 'patient.create', `patient:${p.id}`);
      const s = library.patients.ensureStudy(p.id, study, {
        studyDate: options.studyDate ?? library.clock().toISOString().slice(0, 10),
        sourceFolder: this.sourceFolder,
      });
      if (s.created) library.audit.record(options.actor, 'study.create', `study:${s.id}`, { patient: p.id });
      return s.id;
    });
    this.cache.set(key, id);
    return id;
  }
}
