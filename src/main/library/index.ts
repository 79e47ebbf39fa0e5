import fs from 'node:fs';
import path from 'node:path';
import type { LibraryInfo } from '../../api/contract';
import { AuditLog } from './audit';
import { systemTime, type Clock } from './clock';
import { openDatabase, schemaVersion, type Db } from './database';
import { ImageStore } from './store';
import { Images } from './images';
import { ImportRuns } from './import-runs';
import { Labels } from './labels';
import { WriterLock, type LockHolder } from './writer-lock';
import { Patients } from './patients';
import { Embeddings } from './embeddings';
import { Models } from './models';
import { Predictions } from './predictions';
import { RetrainScheduleStore } from './schedule-state';
import { SettingsStore } from './settings';
import { TrainingRuns } from './training-runs';
import { exportRows, type ExportRow } from './export';
export { toExportCsv } from './export';

import { LibraryError } from './errors';

export { LibraryError };
export type { ExportRow };

export const DATABASE_FILE = 'library.db';

/**
 * A data directory: one SQLite database and the content-addressed image store beside it. Every
 * service (CLI, app, tests) reaches the library through this object.
 */
export class Library {
  readonly databasePath: string;
  readonly store: ImageStore;
  readonly patients: Patients;
  readonly images: Images;
  readonly labels: Labels;
  readonly audit: AuditLog;
  readonly importRuns: ImportRuns;
  readonly embeddings: Embeddings;
  readonly models: Models;
  readonly predictions: Predictions;
  readonly settings: SettingsStore;
  readonly retrainSchedule: RetrainScheduleStore;
  readonly trainingRuns: TrainingRuns;
  /** The one lock of long jobs; see writer-lock.ts. */
  readonly writer: WriterLock;

  constructor(
    readonly dataDir: string,
    readonly db: Db,
    /** Every timestamp the library writes comes from here. */
    readonly clock: Clock = systemTime,
  ) {
    this.databasePath = path.join(dataDir, DATABASE_FILE);
    this.store = new ImageStore(dataDir);
    this.patients = new Patients(db, clock);
    this.images = new Images(db, clock);
    this.labels = new Labels(db, clock);
    this.audit = new AuditLog(db, clock);
    this.importRuns = new ImportRuns(db, clock);
    this.embeddings = new Embeddings(db, clock);
    this.models = new Models(db, clock);
    this.predictions = new Predictions(db, clock);
    this.settings = new SettingsStore(db);
    this.retrainSchedule = new RetrainScheduleStore(db);
    this.trainingRuns = new TrainingRuns(db, clock);
    this.writer = new WriterLock(dataDir, clock);
  }

  info(): LibraryInfo {
    const count = (table: string): number =>
      (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      dataDir: this.dataDir,
      databasePath: this.databasePath,
      schemaVersion: schemaVersion(this.db),
      patients: count('patients'),
      studies: count('studies'),
      images: count('images'),
      labeledImages: this.labels.labeledImageCount(),
    };
  }

  /** One row per image with its current label and latest probability, for `triage export`. */
  exportRows(): ExportRow[] {
    return exportRows(this.db);
  }

  /**
   * Runs a long job (import, ranking, retraining, rollback) holding the library's writer lock, which
   * another process's long job is refused with (`library busy: …`). `onRecovered` hears of a lock left by
   * a process that is gone, before `work` starts: what that job left is then safe to clean up.
   */
  async withWriter<T>(
    job: string,
    work: () => Promise<T>,
    onRecovered?: (holder: LockHolder) => void,
  ): Promise<T> {
    const { release, recovered } = this.writer.acquire(job);
    try {
      if (recovered) onRecovered?.(recovered);
      return await work();
    } finally {
      release();
    }
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export interface OpenOptions {
  /** better-sqlite3's addon built for another runtime: the Electron app passes its own build. */
  nativeBinding?: string;
  /** The machine's clock unless given (tests). */
  clock?: Clock;
}

export function openLibrary(dataDir: string, options: OpenOptions = {}): Library {
  const dir = path.resolve(dataDir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new LibraryError(`Cannot use ${dir} as the library folder: ${(error as Error).message}`, 'io');
  }
  const db = openDatabase(path.join(dir, DATABASE_FILE), options.nativeBinding);
  return new Library(dir, db, options.clock);
}
