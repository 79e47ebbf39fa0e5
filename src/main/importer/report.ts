/** What happened to one file that was not simply imported. */
export type FileOutcome =
  | {
      path: string;
      status: 'duplicate';
      imageId: number;
      duplicateOf: string;
      /** Set when the photograph is already stored for another patient: a possible mix-up, also a warning. */
      patient?: string;
      otherPatient?: string;
    }
  | { path: string; status: 'failed'; reason: string };

export interface ImportProgress {
  phase: 'scanning' | 'importing' | 'done';
  found: number;
  processed: number;
  imported: number;
  alreadyImported: number;
  duplicates: number;
  failed: number;
  /** Files per second since the import began. */
  rate: number;
  elapsedMs: number;
}

export interface ImportReport {
  runId: number;
  status: 'completed' | 'cancelled';
  patient: string;
  study: string;
  studyId: number;
  found: number;
  /** Newly stored images. */
  imported: number;
  /** Files this study already had from an earlier, perhaps interrupted, run of the same import. */
  alreadyImported: number;
  duplicates: number;
  failed: number;
  /** Files the run did not reach because it was cancelled. */
  notProcessed: number;
  elapsedMs: number;
  rate: number;
  /** Every duplicate and failed file, with the reason. */
  files: FileOutcome[];
  /** Problems that concern no single image file, such as manifest rows naming missing files. */
  warnings: string[];
}
