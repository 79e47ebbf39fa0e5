import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatTime,
  formatWeekdayDateTime,
} from '../../src/renderer/format/dateTime';

const london = { locale: 'en-GB', timeZone: 'Europe/London' };
const newYork = { locale: 'en-US', timeZone: 'America/New_York' };

describe('dates and times in the window', () => {
  it('writes a stored UTC instant in the reader’s zone and locale, never as ISO text', () => {
    const stored = '2026-12-07T13:22:55.848Z';
    expect(formatDateTime(stored, london)).toBe('7 Dec 2026, 13:22');
    expect(formatDateTime(stored, newYork)).toBe('Dec 7, 2026, 8:22 AM');
    expect(formatDateTime(stored, { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('7 Dec 2026, 22:22');
    expect(formatTime(stored, london)).toBe('13:22:55');
    // Late in the evening in New York it is already the next day in UTC: the local day is shown.
    expect(formatDate('2026-12-08T02:00:00.000Z', newYork)).toBe('Dec 7, 2026');
  });

  it('writes a scheduled run with its weekday, in the reader’s zone', () => {
    const friday = '2026-12-11T03:15:00.000Z';
    expect(formatWeekdayDateTime(friday, london)).toBe('Fri, 11 Dec 2026, 03:15');
    // In New York it is still Thursday evening.
    expect(formatWeekdayDateTime(friday, newYork)).toBe('Thu, Dec 10, 2026, 10:15 PM');
  });

  it('keeps a calendar date on its day in every zone', () => {
    for (const timeZone of ['America/Los_Angeles', 'Europe/London', 'Pacific/Kiritimati']) {
      expect(formatDate('2026-03-01', { locale: 'en-GB', timeZone })).toBe('1 Mar 2026');
      expect(formatDateTime('2026-03-01', { locale: 'en-GB', timeZone })).toBe('1 Mar 2026');
    }
  });

  it('returns text that is not a date as it came', () => {
    expect(formatDateTime('unknown')).toBe('unknown');
    expect(formatDate('2026-02-30')).toBe('2026-02-30');
    expect(formatTime('2026-03-01')).toBe('2026-03-01');
  });
});
