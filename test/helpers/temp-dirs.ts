import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A temporary folder per call, removed after each test. */
export function useTempDirs(): (prefix?: string) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (prefix = 'triage-test-') => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

export const FIXTURES = path.join(__dirname, '..', 'fixtures');
export const HAM_FIXTURES = path.join(FIXTURES, 'ham10000');
/** The project's read-only data folder; tests that need it say so when it is absent. */
export const SHARED_HAM = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'ham10000');

export function requireSharedHam(): string {
  if (!fs.existsSync(path.join(SHARED_HAM, 'labels.csv'))) {
    throw new Error(
      `This test needs HAM10000 in ${SHARED_HAM} (the project's ../shared/data), which is absent.`,
    );
  }
  return SHARED_HAM;
}
