/**
 * A failed call's code crosses to the window in its message's tag, and the window explains it in
 * words by that code: real errors (the writer lock's refusal, SQLite's SQLITE_BUSY, a missing file),
 * wrapped the way Electron wraps them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { receivedError as callErrorOf, taggedMessage, untagged } from '../../src/api/call-errors';
import { WriterLock } from '../../src/main/library/writer-lock';
import { plainError } from '../../src/renderer/errors/plainError';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-call-errors-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to throw');
}

/** As the window receives a main-process error: Electron's wrapping around the tagged message. */
function overIpc(error: unknown): Error {
  return new Error(`Error invoking remote method 'queue:page': Error: ${taggedMessage(error)}`);
}

describe('a failed call, in the window', () => {
  it("explains another job's writer lock as a busy library, naming the job, with main's words as detail", () => {
    const dir = tempDir();
    const held = new WriterLock(dir).acquire('import');
    const refusal = thrown(() => new WriterLock(dir).acquire('ranking'));
    held.release();
    const { code, message } = callErrorOf(overIpc(refusal));
    expect(code).toBe('busy');
    expect(message).toMatch(new RegExp(`^library busy: import running since \\S+ \\(pid ${process.pid}`));
    expect(plainError(code, message)).toEqual({
      sentence: 'The library is busy with an import; try again when it ends.',
      detail: true,
    });
  });

  it("explains SQLite's SQLITE_BUSY as a library in use by another program", () => {
    const file = path.join(tempDir(), 'library.db');
    const holder = new Database(file);
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN EXCLUSIVE');
    const other = new Database(file, { timeout: 0 });
    const error = thrown(() => other.exec('INSERT INTO t VALUES (1)'));
    holder.exec('ROLLBACK');
    other.close();
    holder.close();
    const { code, message } = callErrorOf(overIpc(error));
    expect(code).toBe('SQLITE_BUSY');
    expect(message).toBe('database is locked');
    expect(plainError(code, message).sentence).toBe(
      'The library is in use by another program (the triage command, perhaps); try again in a moment.',
    );
  });

  it('explains a file that cannot be read, and keeps its path in the detail', () => {
    const missing = path.join(tempDir(), 'images', 'ab', 'abcdef.jpg');
    const { code, message } = callErrorOf(overIpc(thrown(() => fs.readFileSync(missing))));
    expect(code).toBe('ENOENT');
    expect(message).toContain(missing);
    expect(plainError(code, message)).toEqual({
      sentence: 'A file of the library cannot be read: the drive it is on may be missing, full or protected.',
      detail: true,
    });
  });

  it('shows a refused value as main words it, and an error without a code as a sentence with detail', () => {
    const refused = Object.assign(new Error('targetSensitivity must be a number from 0.5 to 0.999, not 2'), {
      code: 'invalid',
    });
    const { code, message } = callErrorOf(overIpc(refused));
    expect(plainError(code, message)).toEqual({ sentence: refused.message, detail: false });

    const plain = callErrorOf(overIpc(new Error('the library is locked by another process')));
    expect(plain).toEqual({ code: null, message: 'the library is locked by another process' });
    expect(plainError(plain.code, plain.message)).toEqual({
      sentence: 'The part of the app that keeps the library could not do this.',
      detail: true,
    });
  });

  it('leaves a message without a tag, and an odd code, as they are', () => {
    expect(untagged('{code:busy}no space')).toEqual({ code: null, message: '{code:busy}no space' });
    const odd = Object.assign(new Error('x'), { code: 'has space' });
    expect(taggedMessage(odd)).toBe('x');
    expect(taggedMessage(Object.assign(new Error('x'), { code: 42 }))).toBe('x');
    expect(taggedMessage('a thrown string')).toBe('a thrown string');
  });
});
