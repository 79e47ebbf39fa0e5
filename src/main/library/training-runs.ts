import type { Db } from './database';
import { stamp, systemTime, type Clock } from './clock';

export type TrainingStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** Every retraining attempt, including the ones that failed or were killed, for the model report. */
export class TrainingRuns {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  /** Runs left 'running' by a process that died are failures; called before a new run starts. */
  markAbandoned(): number {
    return this.db
      .prepare(
        `UPDATE training_runs SET status = 'failed', error = 'interrupted: the process ended', finished_at = ?
         WHERE status = 'running'`,
      )
      .run(stamp(this.clock)).changes;
  }

  start(kind: string, params: unknown): number {
    const result = this.db
      .prepare(`INSERT INTO training_runs (kind, status, params, started_at) VALUES (?, 'running', ?, ?)`)
      .run(kind, JSON.stringify(params), stamp(this.clock));
    return Number(result.lastInsertRowid);
  }

  finish(
    id: number,
    outcome: {
      status: Exclude<TrainingStatus, 'running'>;
      modelId?: number;
      metrics?: unknown;
      error?: string;
    },
  ): void {
    this.db
      .prepare(
        `UPDATE training_runs SET status = ?, model_id = ?, metrics = ?, error = ?, finished_at = ? WHERE id = ?`,
      )
      .run(
        outcome.status,
        outcome.modelId ?? null,
        outcome.metrics === undefined ? null : JSON.stringify(outcome.metrics),
        outcome.error ?? null,
        stamp(this.clock),
        id,
      );
  }

  list(
    limit = 50,
  ): Array<{ id: number; kind: string; status: TrainingStatus; error: string | null; startedAt: string }> {
    return this.db
      .prepare(
        `SELECT id, kind, status, error, started_at AS startedAt FROM training_runs ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as Array<{
      id: number;
      kind: string;
      status: TrainingStatus;
      error: string | null;
      startedAt: string;
    }>;
  }
}
