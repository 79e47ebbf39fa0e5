/** Exit codes scripts rely on. */
export const EXIT = { ok: 0, partial: 1, unusable: 2 } as const;

/** Work stopped by Ctrl-C or SIGTERM: said as such, without a stack trace. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Bad arguments that commander cannot see, such as an image id that is not in the library. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where results go: one JSON document on stdout with --json, readable text otherwise. */
export class Output {
  json = false;
  exitCode: number = EXIT.ok;

  constructor(
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  result(value: unknown, text: () => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  }

  error(message: string): void {
    if (this.json) this.stdout.write(`${JSON.stringify({ error: message }, null, 2)}\n`);
    this.stderr.write(`triage: ${message}\n`);
  }
}
