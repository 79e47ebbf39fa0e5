import { CommanderError, type Command } from 'commander';
import { CsvError } from '../importer/csv';
import { LibraryError } from '../library/errors';
import { CancelledError, EXIT, Output, UsageError } from './output';
import { buildProgram } from './program';
import packageJson from '../../../package.json';

/** Runs the CLI and resolves to its exit code: 0 done, 1 done with per-file failures, 2 unusable. */
export async function runCli(argv: string[]): Promise<number> {
  const out = new Output();
  const program = buildProgram(out, packageJson.version).exitOverride();
  for (const command of program.commands) exitOverrideAll(command);
  try {
    await program.parseAsync(argv);
    return out.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      return done ? EXIT.ok : EXIT.unusable;
    }
    if (
      error instanceof LibraryError ||
      error instanceof CsvError ||
      error instanceof UsageError ||
      error instanceof CancelledError
    ) {
      out.error(error.message);
      return EXIT.unusable;
    }
    out.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.unusable;
  }
}

function exitOverrideAll(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
}
