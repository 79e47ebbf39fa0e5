/**
 * A failed call in words a dermatologist reads, chosen by the error's code (api/call-errors.ts): a
 * LibraryError's kind, SQLite's result code or Node's system error code. The message itself stays
 * on screen as the technical detail; only the words of a busy library's job are read from it.
 */

export interface PlainError {
  /** The sentence to show. */
  sentence: string;
  /** Whether the original message is worth a "technical detail" disclosure beneath it. */
  detail: boolean;
}

/** The long jobs that hold the writer lock, in the words `library busy: <job> running…` uses. */
const JOBS: Record<string, string> = {
  import: 'an import',
  ranking: 'a ranking',
  rollback: 'a rollback',
  retraining: 'a retraining',
  'deep retraining': 'a deep retraining',
};

const UNREADABLE_FILE = new Set(['io', 'ENOENT', 'EACCES', 'EPERM', 'EIO', 'EISDIR', 'ENOTDIR', 'EROFS']);

export function plainError(code: string | null, message: string): PlainError {
  const sentence = sentenceFor(code ?? '', message);
  if (sentence === null) return { sentence: message, detail: false };
  return { sentence, detail: true };
}

/** Null: the message is already in words (a refused value), shown as it is. */
function sentenceFor(code: string, message: string): string | null {
  if (code === 'invalid') return null;
  if (code === 'busy') {
    const job = JOBS[/^library busy: (.+?) running since /.exec(message)?.[1] ?? ''];
    return `The library is busy with ${job ?? 'a long task'}; try again when it ends.`;
  }
  if (code === 'locked' || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_LOCKED')) {
    return 'The library is in use by another program (the triage command, perhaps); try again in a moment.';
  }
  if (code === 'not-found') {
    return 'This is no longer in the library: it may have been changed from another window or the triage command.';
  }
  if (code === 'ENOSPC' || code === 'SQLITE_FULL')
    return 'The disk is full: free some space, then try again.';
  if (UNREADABLE_FILE.has(code) || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return 'A file of the library cannot be read: the drive it is on may be missing, full or protected.';
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) {
    return 'The library cannot be written to: its folder or drive is read-only.';
  }
  if (code === 'corrupt' || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return "The library's database is damaged: restore the library folder from a backup before going on.";
  }
  if (code === 'too-new') {
    return 'This library was written by a newer version of Melanoma Triage: install that version to open it.';
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return 'The library refused this change: it would break one of the rules that keep its records whole.';
  }
  return 'The part of the app that keeps the library could not do this.';
}
