import type { Db } from './database';

import type { SettingKey, Settings } from '../../api/settings';

export type { SettingKey, Settings };

/** Settings a clinic can change (src/api/settings.ts says what each may be), with their defaults. */
export const SETTING_DEFAULTS: Settings = {
  targetSensitivity: 0.95,
  promotionTolerance: 0.005,
  // A simulated new site (npm run experiment:new-site, 500 labels, 10 draws) kept the rest's AUC within
  // 0.01 on both sites tried at 2 (worst −0.0094 back, −0.0041 face), not at 3 (−0.0111 back), for
  // about the same gain on the site (mean +0.006 back, +0.021 face; at 3: +0.007, +0.024).
  localLabelWeight: 2,
  backend: 'auto',
  // Retraining changes what the clinic sees flagged: it runs on its own only once someone turns it on.
  retrainSchedule: 'off',
  retrainTime: '02:00',
  retrainWeekday: 'sunday',
  retrainMinNewLabels: 20,
  retrainDepth: 'head',
};

export class SettingsStore {
  constructor(private readonly db: Db) {}

  get<K extends SettingKey>(key: K): Settings[K] {
    const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as
      string | undefined;
    return raw === undefined ? SETTING_DEFAULTS[key] : (JSON.parse(raw) as Settings[K]);
  }

  all(): Settings {
    const settings = { ...SETTING_DEFAULTS };
    for (const key of Object.keys(SETTING_DEFAULTS) as SettingKey[]) {
      (settings as Record<SettingKey, unknown>)[key] = this.get(key);
    }
    return settings;
  }

  /** Stores one setting as JSON text. Callers validate with SettingUpdateSchema (src/api/settings.ts). */
  set<K extends SettingKey>(key: K, value: Settings[K]): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }
}
