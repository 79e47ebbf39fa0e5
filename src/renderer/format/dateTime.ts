/**
 * Every date and time the window shows, in the reader's own locale and time zone: main stores UTC
 * instants (`2026-12-07T13:22:55.848Z`) and calendar dates (`2026-12-07`), neither of which a
 * clinician should have to convert in their head. One module, so every screen writes them alike.
 */

/** Locale and zone to write in; left out, the reader's own (tests pin them). */
export interface DateTimeStyle {
  locale?: string;
  timeZone?: string;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An instant or a calendar date as a Date, or null when `value` is neither. A bare `YYYY-MM-DD` is a
 * day on the calendar, not midnight UTC: read as UTC it would show as the day before west of Greenwich.
 */
function parse(value: string): { date: Date; dateOnly: boolean } | null {
  const day = CALENDAR_DATE.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
    const local = new Date(year, month, date);
    if (local.getFullYear() !== year || local.getMonth() !== month || local.getDate() !== date) return null;
    return { date: local, dateOnly: true };
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : { date: instant, dateOnly: false };
}

/** A calendar date keeps its day whatever the zone: it is written in the zone it was parsed in. */
function zoneFor(dateOnly: boolean, style: DateTimeStyle): string | undefined {
  return dateOnly ? undefined : style.timeZone;
}

/**
 * Local date and time, e.g. "7 Dec 2026, 14:22" (en-GB) or "Dec 7, 2026, 2:22 PM" (en-US); a calendar
 * date alone is written as a date. Text that is not a date is returned as it came, so nothing is hidden.
 */
export function formatDateTime(value: string, style: DateTimeStyle = {}): string {
  const parsed = parse(value);
  if (!parsed) return value;
  if (parsed.dateOnly) return formatDate(value, style);
  return new Intl.DateTimeFormat(style.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zoneFor(false, style),
  }).format(parsed.date);
}

/** The local calendar day of an instant, or a calendar date as such, e.g. "7 Dec 2026". */
export function formatDate(value: string, style: DateTimeStyle = {}): string {
  const parsed = parse(value);
  if (!parsed) return value;
  return new Intl.DateTimeFormat(style.locale, {
    dateStyle: 'medium',
    timeZone: zoneFor(parsed.dateOnly, style),
  }).format(parsed.date);
}

/** The local time of day of an instant, with seconds, e.g. "14:22:55": for edits seconds apart. */
export function formatTime(value: string, style: DateTimeStyle = {}): string {
  const parsed = parse(value);
  if (!parsed || parsed.dateOnly) return value;
  return new Intl.DateTimeFormat(style.locale, {
    timeStyle: 'medium',
    timeZone: zoneFor(false, style),
  }).format(parsed.date);
}

/**
 * An instant with its weekday, e.g. "Fri, 11 Dec 2026, 03:15": for a scheduled run, which is set by
 * weekday and time and read back against them.
 */
export function formatWeekdayDateTime(value: string, style: DateTimeStyle = {}): string {
  const parsed = parse(value);
  if (!parsed || parsed.dateOnly) return formatDateTime(value, style);
  const timeZone = zoneFor(false, style);
  // Written in two parts: Intl takes no weekday beside dateStyle, and the time stays as formatDateTime's.
  const day = new Intl.DateTimeFormat(style.locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone,
  }).format(parsed.date);
  const time = new Intl.DateTimeFormat(style.locale, { timeStyle: 'short', timeZone }).format(parsed.date);
  return `${day}, ${time}`;
}
