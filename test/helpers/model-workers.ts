import { execFileSync } from 'node:child_process';

/** This process's model workers (forked children running worker.ts), oldest first. */
export function modelWorkers(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'process/worker'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
