import type { Command } from 'commander';
import { SETTING_DEFAULTS, type SettingKey } from '../library/settings';
import { BACKEND_CANDIDATES } from '../model/tf-backend';
import { libraryCommand } from './command';
import { EXIT, UsageError, type Output } from './output';

/** Each setting's parser: a clear refusal for a value that would make the model misbehave. */
const PARSERS: { [K in SettingKey]: (raw: string) => (typeof SETTING_DEFAULTS)[K] } = {
  targetSensitivity: (raw) => numberIn(raw, 'targetSensitivity', 0.5, 0.999),
  promotionTolerance: (raw) => numberIn(raw, 'promotionTolerance', 0, 0.1),
  localLabelWeight: (raw) => numberIn(raw, 'localLabelWeight', 0.1, 100),
  backend: (raw) => {
    const names = ['auto', ...BACKEND_CANDIDATES.map((c) => c.name)];
    if (!names.includes(raw)) throw new UsageError(`backend must be one of ${names.join(', ')}, not ${raw}`);
    return raw;
  },
};

function numberIn(raw: string, key: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${key} must be a number from ${min} to ${max}, not ${raw}`);
  }
  return value;
}

export function registerSettingsCommand(program: Command, out: Output): void {
  libraryCommand(out)<object>(
    program
      .command('settings')
      .description('show the library’s settings, or set one: triage settings targetSensitivity 0.97')
      .argument('[key]', Object.keys(SETTING_DEFAULTS).join(', '))
      .argument('[value]'),
    (library, _options, key, value) => {
      if (key !== undefined) {
        if (!((key as string) in PARSERS)) {
          throw new UsageError(`unknown setting ${String(key)}; one of ${Object.keys(PARSERS).join(', ')}`);
        }
        if (value === undefined) throw new UsageError(`give a value for ${String(key)}`);
        const name = key as SettingKey;
        library.settings.set(name, PARSERS[name](value as string) as never);
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
