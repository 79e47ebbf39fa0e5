import type { Db } from './database';
import { stamp, systemTime, type Clock } from './clock';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: unknown;
}

/** Who did what, for the clinic's records. Details hold ids and counts, never image content. */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  record(actor: string, action: string, subject?: string, details?: unknown): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)')
      .run(
        stamp(this.clock),
        actor,
        action,
        subject ?? null,
        details === undefined ? null : JSON.stringify(details),
      );
  }

  list(limit = 100): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id DESC LIMIT ?')
      .all(limit) as Array<Omit<AuditEntry, 'details'> & { details: string | null }>;
    return rows.map((row) => ({ ...row, details: row.details === null ? null : JSON.parse(row.details) }));
  }
}
