import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextSlot, planOf, type SchedulePlan } from '../../src/main/schedule/slots';

/**
 * Due times on the clinic's wall clock. Berlin has both a DST change and a non-zero offset, so a slot
 * computed in UTC, or by adding 24 hours, would come out wrong here.
 */
const originalTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = originalTz;
});

const daily = (time: string): SchedulePlan =>
  planOf({ retrainSchedule: 'daily', retrainTime: time, retrainWeekday: 'sunday' }) as SchedulePlan;
const weekly = (day: 'sunday' | 'wednesday', time: string): SchedulePlan =>
  planOf({ retrainSchedule: 'weekly', retrainTime: time, retrainWeekday: day }) as SchedulePlan;
/** A local wall-clock time, month 1-based as people write it. */
const local = (y: number, m: number, d: number, h: number, min = 0, s = 0): Date =>
  new Date(y, m - 1, d, h, min, s);

describe('the plan a schedule setting describes', () => {
  it('is none when off, and names what restarts the count when it changes', () => {
    expect(planOf({ retrainSchedule: 'off', retrainTime: '02:00', retrainWeekday: 'sunday' })).toBeNull();
    expect(daily('02:30')).toEqual({
      every: 'daily',
      hour: 2,
      minute: 30,
      weekday: null,
      key: 'daily 02:30',
    });
    expect(weekly('wednesday', '23:05')).toEqual({
      every: 'weekly',
      hour: 23,
      minute: 5,
      weekday: 3,
      key: 'weekly wednesday 23:05',
    });
    // A daily schedule does not depend on the weekday setting.
    expect(planOf({ retrainSchedule: 'daily', retrainTime: '02:30', retrainWeekday: 'friday' })?.key).toBe(
      'daily 02:30',
    );
  });
});

describe('the next slot after a time', () => {
  it('is today when the time is still ahead, else tomorrow; never the instant itself', () => {
    expect(nextSlot(daily('02:00'), local(2026, 5, 12, 1, 59))).toEqual(local(2026, 5, 12, 2));
    expect(nextSlot(daily('02:00'), local(2026, 5, 12, 2))).toEqual(local(2026, 5, 13, 2));
    expect(nextSlot(daily('02:00'), local(2026, 5, 12, 2, 0, 1))).toEqual(local(2026, 5, 13, 2));
    expect(nextSlot(daily('23:59'), local(2026, 12, 31, 23, 59, 30))).toEqual(local(2027, 1, 1, 23, 59));
  });

  it('is local time, not UTC', () => {
    // 02:00 in Berlin in May is 00:00 UTC.
    expect(nextSlot(daily('02:00'), local(2026, 5, 12, 1)).toISOString()).toBe('2026-05-12T00:00:00.000Z');
  });

  it('falls on the chosen weekday, this week or the next', () => {
    // 13 May 2026 is a Wednesday.
    expect(nextSlot(weekly('wednesday', '02:00'), local(2026, 5, 13, 1))).toEqual(local(2026, 5, 13, 2));
    expect(nextSlot(weekly('wednesday', '02:00'), local(2026, 5, 13, 2))).toEqual(local(2026, 5, 20, 2));
    expect(nextSlot(weekly('sunday', '02:00'), local(2026, 5, 13, 12))).toEqual(local(2026, 5, 17, 2));
    expect(nextSlot(weekly('sunday', '02:00'), local(2026, 5, 16, 23, 59))).toEqual(local(2026, 5, 17, 2));
  });

  it('keeps its wall-clock time across a change to and from summer time', () => {
    // Clocks go forward at 02:00 on 29 March 2026 (a 23-hour day) and back at 03:00 on 25 October.
    const spring = nextSlot(daily('09:00'), local(2026, 3, 28, 9));
    expect(spring).toEqual(local(2026, 3, 29, 9));
    expect(spring.getTime() - local(2026, 3, 28, 9).getTime()).toBe(23 * 3600_000);
    const autumn = nextSlot(daily('09:00'), local(2026, 10, 24, 9));
    expect(autumn).toEqual(local(2026, 10, 25, 9));
    expect(autumn.getTime() - local(2026, 10, 24, 9).getTime()).toBe(25 * 3600_000);
  });

  it('runs a time the clocks skip an hour later, and a time that happens twice once', () => {
    // 02:30 does not exist on 29 March: the slot is 03:30 summer time, then 02:30 again the next day.
    const skipped = nextSlot(daily('02:30'), local(2026, 3, 28, 12));
    expect(skipped.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(nextSlot(daily('02:30'), skipped).toISOString()).toBe('2026-03-30T00:30:00.000Z');
    // 02:30 happens twice on 25 October: after the first, the next slot is the day after, not an hour later.
    const first = nextSlot(daily('02:30'), local(2026, 10, 24, 12));
    expect(first.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(nextSlot(daily('02:30'), new Date(first.getTime() + 5_000)).toISOString()).toBe(
      '2026-10-26T01:30:00.000Z',
    );
  });
});
