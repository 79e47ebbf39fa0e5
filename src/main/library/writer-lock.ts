import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LibraryError } from './errors';
import { stamp, systemTime, type Clock } from './clock';

/** Who holds a library's writer lock: what is kept in the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The long job, in words: 'import', 'deep retraining'. */
  job: string;
  startedAt: string;
}

export const WRITER_LOCK_FILE = 'writer.lock';

/**
 * The one lock a library's long jobs (import, ranking, retraining, rollback) take, in the app and the
 * CLI alike: a file in the library folder naming its holder. It is created whole or not at all (written
 * aside, then hard-linked into place, which fails if another holder got there first), so a reader never
 * sees half a holder. A lock whose process is gone (killed mid-job) is taken over, and the caller is told
 * whose it was, so that it, and only it, cleans up what that job left. Labels and other short writes do
 * not take it: SQLite's own locking keeps them to a moment.
 */
export class WriterLock {
  private held: { holder: LockHolder; depth: number } | undefined;
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock = systemTime,
  ) {
    this.file = path.join(dataDir, WRITER_LOCK_FILE);
  }

  /**
   * Takes the lock for `job`, or throws `library busy: <job> running since <time> (pid <n>)`. Within one
   * process it nests: an import that ranks what it imported holds it once. Returns the release.
   */
  acquire(job: string): { release: () => void; recovered: LockHolder | null } {
    if (this.held) {
      this.held.depth++;
      return { release: () => this.release(), recovered: null };
    }
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      job,
      startedAt: stamp(this.clock),
    };
    let recovered: LockHolder | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.create(holder)) {
        this.held = { holder, depth: 1 };
        return { release: () => this.release(), recovered };
      }
      const other = this.holder();
      if (other && isRunning(other)) throw busy(other);
      recovered = other ?? recovered;
      this.removeIf(other);
    }
    throw new LibraryError(`Could not take the library's writer lock ${this.file}.`, 'busy');
  }

  /** Refuses at once, before a long job spends time starting, when another process's job holds the lock. */
  refuseIfBusy(): void {
    if (this.held) return;
    const other = this.holder();
    if (other && isRunning(other)) throw busy(other);
  }

  /** The holder the lock file names; undefined when there is none or it cannot be read. */
  holder(): LockHolder | undefined {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Partial<LockHolder>;
      if (
        typeof parsed.pid === 'number' &&
        typeof parsed.host === 'string' &&
        typeof parsed.job === 'string' &&
        typeof parsed.startedAt === 'string'
      ) {
        return { pid: parsed.pid, host: parsed.host, job: parsed.job, startedAt: parsed.startedAt };
      }
      return undefined;
    } catch {
      return undefined;
    }
  }

  private create(holder: LockHolder): boolean {
    const aside = `${this.file}.${process.pid}.${Date.now()}`;
    fs.writeFileSync(aside, JSON.stringify(holder));
    try {
      fs.linkSync(aside, this.file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      fs.rmSync(aside, { force: true });
    }
  }

  private release(): void {
    if (!this.held || --this.held.depth > 0) return;
    const { holder } = this.held;
    this.held = undefined;
    this.removeIf(holder);
  }

  /** Removes the lock file only while it still names `expected` (undefined: an unreadable file). */
  private removeIf(expected: LockHolder | undefined): void {
    const current = this.holder();
    const same =
      expected === undefined
        ? current === undefined
        : current !== undefined && current.pid === expected.pid && current.startedAt === expected.startedAt;
    if (same) fs.rmSync(this.file, { force: true });
  }
}

function busy(holder: LockHolder): LibraryError {
  const where = holder.host === os.hostname() ? '' : ` on ${holder.host}`;
  return new LibraryError(
    `library busy: ${holder.job} running since ${holder.startedAt} (pid ${holder.pid}${where})`,
    'busy',
  );
}

/**
 * Whether the holder's process still runs. A process on another machine (a library on a shared drive)
 * cannot be asked, so its lock is honoured until that machine releases it.
 */
function isRunning(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
