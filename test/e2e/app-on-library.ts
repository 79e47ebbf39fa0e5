/**
 * One test file's app: a real library in a temporary folder, prepared by the file (imports, labels,
 * ranking), and the harness serving the renderer on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openLibrary, type Library } from '../../src/main/library';
import { startHarness, type Harness } from './harness';

export { apiHandlersFor } from './harness';

export interface AppOnLibrary {
  library(): Library;
  harness(): Harness;
  dataDir(): string;
}

export function useAppOnLibrary(
  prepare: (library: Library) => Promise<void> = async () => undefined,
): AppOnLibrary {
  let dataDir = '';
  let library: Library | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'triage-e2e-library-'));
    library = openLibrary(dataDir);
    await prepare(library);
    harness = await startHarness(library);
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
    library?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the e2e ${what} is not set up (beforeAll failed?)`);
    return value;
  };
  return {
    library: () => ready(library, 'library'),
    harness: () => ready(harness, 'harness'),
    dataDir: () => dataDir,
  };
}
