/**
 * How a failed call's kind crosses from main to the window. Electron passes only an error's message
 * across IPC (not its class or `code`), so the adapters put the code in front of the message as a tag,
 * `{code:busy} library busy: …`, and the window takes it off again: it then explains the failure by
 * its code (a LibraryError's kind, SQLite's `SQLITE_BUSY`, Node's `ENOENT`), not by its wording, and
 * shows the message itself, unchanged, as the technical detail. The CLI prints messages untagged.
 */

const TAG = /^\{code:([A-Za-z0-9_-]{1,40})\} /;

/** An error's message, tagged with its `code` when it has one. */
export function taggedMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return code ? `{code:${code}} ${message}` : message;
}

/**
 * A failed call as the window receives it, as its code (or null) and main's own message: Electron
 * wraps a main-process error as "Error invoking remote method 'x': Error: <message>".
 */
export function receivedError(error: unknown): { code: string | null; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  return untagged(message.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, ''));
}

/** A message, split into its tag's code (or null) and the message itself. */
export function untagged(message: string): { code: string | null; message: string } {
  const tag = TAG.exec(message);
  return tag ? { code: tag[1] ?? null, message: message.slice(tag[0].length) } : { code: null, message };
}

function codeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const { code } = error;
  return typeof code === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(code) ? code : null;
}
