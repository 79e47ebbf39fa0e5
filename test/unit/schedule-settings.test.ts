import { describe, expect, it } from 'vitest';
import { SettingsSchema, SettingUpdateSchema, settingValueFromText } from '../../src/api/settings';
import { SETTING_DEFAULTS } from '../../src/main/library/settings';

/** The schedule's settings, refused with a message naming the field, the same for the app and the CLI. */
const refusal = (key: string, value: unknown): string | undefined => {
  const parsed = SettingUpdateSchema.safeParse({ key, value });
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
};

describe('the retraining schedule settings', () => {
  it('default to off, at 02:00 on Sundays when weekly, after 20 new labels', () => {
    expect(SettingsSchema.parse(SETTING_DEFAULTS)).toMatchObject({
      retrainSchedule: 'off',
      retrainTime: '02:00',
      retrainWeekday: 'sunday',
      retrainMinNewLabels: 20,
    });
  });

  it('accept what they may be', () => {
    for (const [key, value] of [
      ['retrainSchedule', 'weekly'],
      ['retrainTime', '00:00'],
      ['retrainTime', '23:59'],
      ['retrainWeekday', 'wednesday'],
      ['retrainMinNewLabels', 1],
      ['retrainMinNewLabels', 100_000],
    ] as const) {
      expect(refusal(key, value), `${key} = ${value}`).toBeUndefined();
    }
  });

  it('refuse anything else, naming the field', () => {
    expect(refusal('retrainSchedule', 'hourly')).toBe('retrainSchedule must be one of off, daily, weekly');
    for (const time of ['24:00', '2:00', '02:60', '0200', '', 'noon']) {
      expect(refusal('retrainTime', time), time).toBe(
        'retrainTime must be a time of day as HH:MM (24-hour), such as 02:30',
      );
    }
    expect(refusal('retrainWeekday', 'Mon')).toMatch(/^retrainWeekday must be one of sunday, monday/);
    expect(refusal('retrainMinNewLabels', 0)).toBe('retrainMinNewLabels must be a number from 1 to 100000');
    expect(refusal('retrainMinNewLabels', 2.5)).toBe('retrainMinNewLabels must be a whole number');
    expect(refusal('retrainMinNewLabels', 'twenty')).toBe(
      'retrainMinNewLabels must be a number from 1 to 100000',
    );
  });

  it('read from a command line as numbers where the setting is one', () => {
    expect(settingValueFromText('retrainMinNewLabels', '25')).toBe(25);
    expect(settingValueFromText('retrainMinNewLabels', 'many')).toBeNaN();
    expect(settingValueFromText('retrainTime', '02:30')).toBe('02:30');
    expect(settingValueFromText('retrainSchedule', 'daily')).toBe('daily');
    expect(settingValueFromText('targetSensitivity', '0.97')).toBe(0.97);
  });
});
