import fs from 'node:fs';
import path from 'node:path';

export type ScanEntry =
  { kind: 'file'; path: string; root: string } | { kind: 'problem'; path: string; reason: string };

/** Files a photography export leaves beside the images that are not anyone's photograph. */
const IGNORED = new Set(['thumbs.db', 'desktop.ini', 'manifest.csv']);

/**
 * Every file below the given folders, depth first in name order so runs are repeatable. Symbolic links
 * are followed, but a link back into a folder already being walked is reported as a loop instead of
 * followed forever; folders that cannot be read are reported and the walk goes on.
 */
export async function scanFolders(
  roots: string[],
  ignore: ReadonlySet<string> = new Set(),
): Promise<ScanEntry[]> {
  const entries: ScanEntry[] = [];
  for (const root of roots) {
    const absolute = path.resolve(root);
    let real: string;
    try {
      real = await fs.promises.realpath(absolute);
      if (!(await fs.promises.stat(real)).isDirectory())
        throw Object.assign(new Error(), { code: 'ENOTDIR' });
    } catch (error) {
      entries.push({ kind: 'problem', path: absolute, reason: describe(error, 'folder') });
      continue;
    }
    await walk(absolute, absolute, [real], entries, ignore);
  }
  return entries;
}

async function walk(
  dir: string,
  root: string,
  ancestors: string[],
  out: ScanEntry[],
  ignore: ReadonlySet<string>,
): Promise<void> {
  let names: fs.Dirent[];
  try {
    names = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (error) {
    out.push({ kind: 'problem', path: dir, reason: describe(error, 'folder') });
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of names) {
    const full = path.join(dir, dirent.name);
    if (dirent.name.startsWith('.') || IGNORED.has(dirent.name.toLowerCase()) || ignore.has(full)) continue;
    let stats: fs.Stats;
    try {
      stats = await fs.promises.stat(full);
    } catch (error) {
      out.push({
        kind: 'problem',
        path: full,
        reason: describe(error, dirent.isSymbolicLink() ? 'link' : 'file'),
      });
      continue;
    }
    if (stats.isDirectory()) {
      const real = await fs.promises.realpath(full).catch(() => full);
      if (ancestors.includes(real)) {
        out.push({ kind: 'problem', path: full, reason: `symbolic link loop: leads back to ${real}` });
        continue;
      }
      await walk(full, root, [...ancestors, real], out, ignore);
    } else if (stats.isFile()) {
      out.push({ kind: 'file', path: full, root });
    } else {
      out.push({ kind: 'problem', path: full, reason: 'not a regular file (device, socket or pipe)' });
    }
  }
}

/** An I/O error in words, naming what could not be read. */
export function describe(error: unknown, what: 'file' | 'folder' | 'link'): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `unreadable: permission denied to read this ${what}`;
    case 'ENOENT':
      return what === 'link' ? 'unreadable: broken symbolic link' : `unreadable: ${what} not found`;
    case 'ELOOP':
      return 'symbolic link loop: the link points to itself';
    case 'ENOTDIR':
      return 'not a folder';
    case 'EISDIR':
      return 'is a folder, not a file';
    default:
      return `unreadable: ${(error as Error).message ?? String(error)}`;
  }
}
