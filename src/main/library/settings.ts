import type { Db } from './database';

/** Settings a clinic can change, with their defaults. Stored as JSON text. */
export const SETTING_DEFAULTS = {
  /** Sensitivity the operating threshold must reach on validation data. */
  targetSensitivity: 0.95,
  /** A candidate model is promoted when its ROC AUC is at least the active one's minus this. */
  promotionTolerance: 0.005,
  /** Weight of the clinic's own labels relative to the shipped training set's. */
  localLabelWeight: 3,
  /** 'auto' or one of the TensorFlow.js backends. */
  backend: 'auto' as string,
};
export type Settings = typeof SETTING_DEFAULTS;
export type SettingKey = keyof Settings;

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

  set<K extends SettingKey>(key: K, value: Settings[K]): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }
}
