import os from 'node:os';
import { Option, type Command } from 'commander';
import { ModelProcessPool } from '../model/process/pool';
import { resourcePaths } from '../resources';
import { openServices, type Services } from '../services';
import { defaultDataDir } from './data-dir';
import { CancelledError, type Output } from './output';

export interface GlobalOptions {
  dataDir: string;
  json: boolean;
}

export type LibraryAction<T> = (
  services: Services,
  options: T & GlobalOptions,
  /** The command's positional arguments, in order. */
  ...positionals: unknown[]
) => Promise<number> | number;

/**
 * Gives a command --data-dir and --json, and runs it on the services over the opened library, acting as
 * --by where the command has it (the OS user otherwise); its result is the exit code. The command's model
 * processes come from one pool, stopped when it ends so that the CLI can exit.
 */
export function libraryCommand(out: Output) {
  return <T extends object>(command: Command, run: LibraryAction<T>): Command =>
    command
      .option('--data-dir <dir>', 'the library folder', defaultDataDir())
      .option('--json', 'machine-readable output on stdout', false)
      .action(async (...args: unknown[]) => {
        const cmd = args.at(-1) as Command;
        const options = cmd.opts<T & GlobalOptions & { by?: string }>();
        out.json = options.json;
        const models = new ModelProcessPool();
        try {
          const services = openServices(options.dataDir, {
            resources: resourcePaths(),
            models,
            actor: options.by ?? os.userInfo().username,
          });
          try {
            out.exitCode = await run(services, options, ...args.slice(0, -2));
          } finally {
            services.context.library.close();
          }
        } finally {
          models.close();
        }
      });
}

export function actorOption(): Option {
  return new Option('--by <name>', 'who is doing this, for the audit log').default(os.userInfo().username);
}

/** Ctrl-C and SIGTERM cancel the work cleanly instead of killing it mid-write. */
export async function withCancellation<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const cancel = (): void => controller.abort();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    return await work(controller.signal);
  } catch (error) {
    // However deep the cancel surfaced (the model process, a batch loop), the user asked for it.
    if (controller.signal.aborted) throw new CancelledError();
    throw error;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
