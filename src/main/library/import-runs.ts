import type { Db } from './database';
import { stamp, systemTime, type Clock } from './clock';

export type ImportRunStatus = 'running' | 'completed' | 'cancelled' | 'interrupted';

export interface ImportCounts {
  found: number;
  imported: number;
  duplicates: number;
  failed: number;
}

/** The history of imports, so an interrupted one is visible as such rather than silently partial. */
export class ImportRuns {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  /** Marks runs whose process died as interrupted; called with the writer lock held. */
  markInterrupted(): number {
    return this.db
      .prepare(`UPDATE import_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'`)
      .run(stamp(this.clock)).changes;
  }

  start(studyId: number, sources: string[]): number {
    const result = this.db
      .prepare(
        `INSERT INTO import_runs (study_id, sources, status, pid, started_at) VALUES (?, ?, 'running', ?, ?)`,
      )
      .run(studyId, JSON.stringify(sources), process.pid, stamp(this.clock));
    return Number(result.lastInsertRowid);
  }

  finish(id: number, status: Exclude<ImportRunStatus, 'running'>, counts: ImportCounts): void {
    this.db
      .prepare(
        `UPDATE import_runs SET status = ?, found = ?, imported = ?, duplicates = ?, failed = ?, finished_at = ?
         WHERE id = ?`,
      )
      .run(status, counts.found, counts.imported, counts.duplicates, counts.failed, stamp(this.clock), id);
  }
}
