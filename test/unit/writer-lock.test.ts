import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WRITER_LOCK_FILE, WriterLock, type LockHolder } from '../../src/main/library/writer-lock';
import { useTempDirs } from '../helpers/temp-dirs';

const tempDir = useTempDirs();

/** The pid of a process that has ended: a lock naming it was left by a crash. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function plant(dir: string, holder: LockHolder): void {
  fs.writeFileSync(path.join(dir, WRITER_LOCK_FILE), JSON.stringify(holder));
}

describe('the writer lock', () => {
  it('refuses a second holder, naming the job, its start and its pid', () => {
    const dir = tempDir();
    const first = new WriterLock(dir).acquire('deep retraining');
    const holder = JSON.parse(fs.readFileSync(path.join(dir, WRITER_LOCK_FILE), 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname(), job: 'deep retraining' });
    // Another process's view of the same library: a lock object of its own.
    const other = new WriterLock(dir);
    const refusal = `library busy: deep retraining running since ${holder.startedAt} (pid ${process.pid})`;
    expect(() => other.acquire('retraining')).toThrow(refusal);
    expect(() => other.refuseIfBusy()).toThrow(refusal);
    first.release();
    expect(fs.existsSync(path.join(dir, WRITER_LOCK_FILE))).toBe(false);
    other.acquire('retraining').release();
  });

  it('nests within one holder and is free only after the outermost release', () => {
    const dir = tempDir();
    const lock = new WriterLock(dir);
    const outer = lock.acquire('import');
    const inner = lock.acquire('ranking');
    lock.refuseIfBusy();
    inner.release();
    expect(() => new WriterLock(dir).acquire('retraining')).toThrow(/library busy: import running/);
    outer.release();
    expect(fs.existsSync(path.join(dir, WRITER_LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose process is gone and says whose it was', () => {
    const dir = tempDir();
    const stale: LockHolder = { pid: deadPid(), host: os.hostname(), job: 'retraining', startedAt: 'then' };
    plant(dir, stale);
    const lock = new WriterLock(dir);
    lock.refuseIfBusy();
    const taken = lock.acquire('retraining');
    expect(taken.recovered).toEqual(stale);
    expect(lock.holder()?.pid).toBe(process.pid);
    taken.release();
  });

  it('takes over an unreadable lock file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, WRITER_LOCK_FILE), '{"pid": 12');
    const taken = new WriterLock(dir).acquire('import');
    expect(taken.recovered).toBeNull();
    taken.release();
    expect(fs.existsSync(path.join(dir, WRITER_LOCK_FILE))).toBe(false);
  });

  it("honours a lock of another machine's process, which it cannot ask", () => {
    const dir = tempDir();
    plant(dir, { pid: deadPid(), host: 'another-host', job: 'import', startedAt: 'then' });
    expect(() => new WriterLock(dir).acquire('retraining')).toThrow(
      /library busy: import running since then \(pid \d+ on another-host\)/,
    );
  });

  it('never removes a lock that another holder took over', () => {
    const dir = tempDir();
    const lock = new WriterLock(dir);
    const taken = lock.acquire('retraining');
    // As if this process had been thought dead and its lock recovered by another.
    const successor: LockHolder = { pid: process.ppid, host: os.hostname(), job: 'import', startedAt: 'now' };
    plant(dir, successor);
    taken.release();
    expect(lock.holder()).toEqual(successor);
  });
});
