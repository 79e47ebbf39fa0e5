import { z } from 'zod';
import { ScheduledRunSchema } from '../../api/schedule';
import type { Db } from './database';

/**
 * Kept in the settings table under a key no setting can have (settings are checked against
 * SETTING_KEYS), so it lives and is backed up with the library and needed no migration.
 */
const STATE_KEY = 'state:retrainSchedule';

export const RetrainScheduleStateSchema = z.object({
  /** The schedule the slots are counted for ("daily 02:00"); a changed schedule starts counting afresh. */
  plan: z.string(),
  /** Slots after this time (ISO-8601) are due: the schedule was set, or last ran or skipped, then. */
  since: z.string(),
  lastRun: ScheduledRunSchema.nullable(),
});
export type RetrainScheduleState = z.infer<typeof RetrainScheduleStateSchema>;

/** Where the retraining schedule stands, so a restart neither forgets a due run nor repeats one. */
export class RetrainScheduleStore {
  constructor(private readonly db: Db) {}

  /** Null before the schedule first ran, and for a state this version cannot read (it starts afresh). */
  read(): RetrainScheduleState | null {
    const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(STATE_KEY) as
      string | undefined;
    if (raw === undefined) return null;
    try {
      const parsed = RetrainScheduleStateSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  write(state: RetrainScheduleState): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(STATE_KEY, JSON.stringify(RetrainScheduleStateSchema.parse(state)));
  }
}
