import type { Command } from 'commander';
import { SETTING_KEYS, settingValueFromText, type SettingKey } from '../../api/settings';
import { actorOption, libraryCommand } from './command';
import { EXIT, UsageError, type Output } from './output';

export function registerSettingsCommand(program: Command, out: Output): void {
  libraryCommand(out)<object>(
    program
      .command('settings')
      .description('show the library’s settings, or set one: triage settings targetSensitivity 0.97')
      .argument('[key]', SETTING_KEYS.join(', '))
      .argument('[value]')
      .addOption(actorOption()),
    (services, _options, key, value) => {
      if (key !== undefined) {
        if (!SETTING_KEYS.includes(key as SettingKey)) {
          throw new UsageError(`unknown setting ${String(key)}; one of ${SETTING_KEYS.join(', ')}`);
        }
        if (value === undefined) throw new UsageError(`give a value for ${String(key)}`);
        const name = key as SettingKey;
        // A word where a number belongs becomes NaN and fails as out of range.
        services.settings.set(name, settingValueFromText(name, value as string));
      }
      const settings = services.settings.all();
      out.result(settings, () =>
        Object.entries(settings)
          .map(([k, v]) => `${k} = ${String(v)}`)
          .join('\n'),
      );
      return EXIT.ok;
    },
  );
}
