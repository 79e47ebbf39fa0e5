import type { Command } from 'commander';
import { SETTING_KEYS, SettingUpdateSchema, settingValueFromText, type SettingKey } from '../../api/settings';
import { libraryCommand } from './command';
import { EXIT, UsageError, type Output } from './output';

export function registerSettingsCommand(program: Command, out: Output): void {
  libraryCommand(out)<object>(
    program
      .command('settings')
      .description('show the library’s settings, or set one: triage settings targetSensitivity 0.97')
      .argument('[key]', SETTING_KEYS.join(', '))
      .argument('[value]'),
    (library, _options, key, value) => {
      if (key !== undefined) {
        if (!SETTING_KEYS.includes(key as SettingKey)) {
          throw new UsageError(`unknown setting ${String(key)}; one of ${SETTING_KEYS.join(', ')}`);
        }
        if (value === undefined) throw new UsageError(`give a value for ${String(key)}`);
        const name = key as SettingKey;
        const raw = value as string;
        // A word where a number belongs becomes NaN and fails as out of range.
        const update = SettingUpdateSchema.safeParse({ key: name, value: settingValueFromText(name, raw) });
        if (!update.success)
          throw new UsageError(`${update.error.issues[0]?.message ?? 'invalid'}, not ${raw}`);
        library.settings.set(name, update.data.value as never);
        library.audit.record('cli', 'settings.set', name, { value });
      }
      const settings = library.settings.all();
      out.result(settings, () =>
        Object.entries(settings)
          .map(([k, v]) => `${k} = ${String(v)}`)
          .join('\n'),
      );
      return EXIT.ok;
    },
  );
}
