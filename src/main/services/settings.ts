import { SettingUpdateSchema, type SettingKey, type Settings } from '../../api/settings';
import { LibraryError } from '../library';
import type { ServiceContext } from './context';

/** The library's settings: read whole, changed one at a time, each change checked and audited with it. */
export class SettingsService {
  private readonly changed = new Set<(key: SettingKey) => void>();

  constructor(private readonly context: ServiceContext) {}

  all(): Settings {
    return this.context.library.settings.all();
  }

  /** Refuses a value its setting does not accept, naming the setting; returns the settings after it. */
  set(key: SettingKey, value: number | string): Settings {
    const update = SettingUpdateSchema.safeParse({ key, value });
    if (!update.success) {
      const issue = update.error.issues[0];
      throw new LibraryError(`${issue?.message ?? `${key}: invalid`}, not ${String(value)}`, 'invalid');
    }
    const { library, actor } = this.context;
    library.transaction(() => {
      library.settings.set(key, update.data.value as never);
      library.audit.record(actor, 'settings.set', key, { value: update.data.value });
    });
    for (const listener of this.changed) listener(key);
    return this.all();
  }

  /** Hears of each change (the backend report is asked again after the backend setting changes). */
  onChange(listener: (key: SettingKey) => void): void {
    this.changed.add(listener);
  }
}
