/**
 * When a retraining schedule is due. Times are the clinic's wall-clock time (the machine's time zone):
 * "daily at 02:00" means 02:00 on the clock on the wall, summer time or not.
 */
import { WEEKDAYS, type Settings } from '../../api/settings';

export interface SchedulePlan {
  every: 'daily' | 'weekly';
  hour: number;
  minute: number;
  /** Date.getDay() of a weekly schedule; null for a daily one. */
  weekday: number | null;
  /** The plan in words ("weekly sunday 02:00"): when it changes, slots are counted afresh. */
  key: string;
}

type ScheduleSettings = Pick<Settings, 'retrainSchedule' | 'retrainTime' | 'retrainWeekday'>;

/** The plan the settings describe; null when scheduled retraining is off. */
export function planOf(settings: ScheduleSettings): SchedulePlan | null {
  if (settings.retrainSchedule === 'off') return null;
  const [hour, minute] = settings.retrainTime.split(':').map(Number) as [number, number];
  const weekly = settings.retrainSchedule === 'weekly';
  return {
    every: settings.retrainSchedule,
    hour,
    minute,
    weekday: weekly ? WEEKDAYS.indexOf(settings.retrainWeekday) : null,
    key: weekly
      ? `weekly ${settings.retrainWeekday} ${settings.retrainTime}`
      : `daily ${settings.retrainTime}`,
  };
}

/**
 * The first slot strictly after `after`. Each candidate is built from calendar fields, never by adding
 * 24 hours, so a day of 23 or 25 hours (a DST change) keeps the slot at its wall-clock time. A time
 * that does not exist that day (skipped by the clocks going forward) falls an hour later; a time that
 * happens twice counts once, at its first occurrence.
 */
export function nextSlot(plan: SchedulePlan, after: Date): Date {
  // Eight days: a weekly slot later on today's weekday is found on day 0, else within the next seven.
  for (let day = 0; day <= 7; day++) {
    const slot = new Date(
      after.getFullYear(),
      after.getMonth(),
      after.getDate() + day,
      plan.hour,
      plan.minute,
    );
    if (slot > after && (plan.weekday === null || slot.getDay() === plan.weekday)) return slot;
  }
  throw new Error(`no slot of ${plan.key} within a week after ${after.toISOString()}`);
}
