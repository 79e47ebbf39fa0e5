import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface LibraryHealth {
  integrity: string;
  images: number;
  distinctHashes: number;
  /** Rows whose original or thumbnail is missing from the store. */
  missingFiles: string[];
  /** Files in the store that no row refers to, and interrupted writes. */
  strayFiles: string[];
}

/**
 * Looks at a library's files directly, not through the code under test: the database's own integrity
 * check, and the image store compared with the rows.
 */
export function inspectLibrary(dataDir: string): LibraryHealth {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const rows = db.prepare('SELECT sha256, format FROM images').all() as Array<{
      sha256: string;
      format: string;
    }>;
    const expected = new Set<string>();
    const missingFiles: string[] = [];
    for (const { sha256, format } of rows) {
      const original = path.join(dataDir, 'images', sha256.slice(0, 2), `${sha256}.${format}`);
      const thumbnail = path.join(dataDir, 'thumbs', sha256.slice(0, 2), `${sha256}.jpg`);
      for (const file of [original, thumbnail]) {
        expected.add(file);
        if (!fs.existsSync(file)) missingFiles.push(file);
      }
    }
    const strayFiles = ['images', 'thumbs']
      .flatMap((top) => listFiles(path.join(dataDir, top)))
      .filter((file) => !expected.has(file));
    return {
      integrity,
      images: rows.length,
      distinctHashes: new Set(rows.map((row) => row.sha256)).size,
      missingFiles,
      strayFiles,
    };
  } finally {
    db.close();
  }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
