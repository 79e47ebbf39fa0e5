import fs from 'node:fs';
import { LibraryError } from './errors';

/**
 * An exclusive lock file holding the owner's pid. A lock whose process is gone (killed mid-import) is
 * taken over, so an interrupted import never blocks the next one.
 */
export function acquireLock(file: string, purpose: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && isAlive(owner)) {
        throw new LibraryError(`Another ${purpose} is running in this library (process ${owner}).`, 'locked');
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new LibraryError(`Could not take the ${purpose} lock ${file}.`, 'locked');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
