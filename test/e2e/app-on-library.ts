/**
 * One test file's app: a real library in a temporary folder, prepared by the file (imports, labels,
 * ranking), and the harness serving the renderer on it; and the real API handlers over that library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { JobEvent } from '../../src/api/jobs';
import { createApiHandlers, type ApiHandlers } from '../../src/main/api-handlers';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary, type Library } from '../../src/main/library';
import { resourcePaths } from '../../src/main/resources';
import { startHarness, type Harness } from './harness';

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

/** The app's API handlers on `library`, as main wires them; the folder dialog answers `folders`. */
export function apiHandlersFor(
  library: Library,
  options: { emit?: (event: JobEvent) => void; folders?: string[] } = {},
): ApiHandlers {
  const resources = resourcePaths();
  return createApiHandlers({
    library,
    jobs: new JobRunner(library, resources, 'dr-test', options.emit ?? (() => undefined)),
    choose: { folders: () => Promise.resolve(options.folders ?? []), manifest: () => Promise.resolve(null) },
    user: 'dr-test',
    defaultModelDir: resources.defaultModelDir,
  });
}
