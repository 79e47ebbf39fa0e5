/**
 * electron-builder's configuration as electron-builder itself reads it (electron-builder.yml, merged
 * with package.json's metadata), through app-builder-lib, which electron-builder depends on at the
 * same exact version: nothing here is downloaded or needs Electron.
 */
import path from 'node:path';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import type { Configuration, FileSet } from 'electron-builder';

export const REPO = path.resolve(__dirname, '..', '..');

export function loadBuilderConfig(): Promise<Configuration> {
  return getConfig(REPO, null, null);
}

/** A `files`/`extraResources` value as a list (electron-builder accepts one entry, a list, or null). */
export function entries(value: Configuration['files']): Array<string | FileSet> {
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}
