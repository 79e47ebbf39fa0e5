import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The content-addressed image store: originals under images/ and thumbnails under thumbs/, each named by
 * the SHA-256 of the original's bytes, so the library outlives the drive the photographs came from.
 * Writes go to a temporary name and are renamed into place, so a file is either whole or absent.
 */
export class ImageStore {
  readonly imagesDir: string;
  readonly thumbsDir: string;

  constructor(readonly root: string) {
    this.imagesDir = path.join(root, 'images');
    this.thumbsDir = path.join(root, 'thumbs');
    fs.mkdirSync(this.imagesDir, { recursive: true });
    fs.mkdirSync(this.thumbsDir, { recursive: true });
  }

  originalPath(sha256: string, format: string): string {
    return path.join(this.imagesDir, shard(sha256), `${sha256}.${format}`);
  }

  thumbnailPath(sha256: string): string {
    return path.join(this.thumbsDir, shard(sha256), `${sha256}.jpg`);
  }

  async putOriginal(sha256: string, format: string, bytes: Buffer): Promise<void> {
    await writeOnce(this.originalPath(sha256, format), bytes);
  }

  async putThumbnail(sha256: string, bytes: Buffer): Promise<void> {
    await writeOnce(this.thumbnailPath(sha256), bytes);
  }

  /**
   * Removes interrupted writes and files no row refers to. Only safe while no import is writing:
   * the caller holds the writer lock.
   */
  sweep(isReferenced: (sha256: string) => boolean): { removed: number } {
    let removed = 0;
    for (const dir of [this.imagesDir, this.thumbsDir]) {
      for (const shardName of fs.readdirSync(dir)) {
        const shardDir = path.join(dir, shardName);
        for (const name of fs.readdirSync(shardDir)) {
          const sha = name.slice(0, 64);
          if (name.endsWith('.tmp') || !SHA256.test(sha) || !isReferenced(sha)) {
            fs.rmSync(path.join(shardDir, name), { force: true });
            removed++;
          }
        }
      }
    }
    return { removed };
  }
}

function shard(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
  return sha256.slice(0, 2);
}

async function writeOnce(target: string, bytes: Buffer): Promise<void> {
  if (fs.existsSync(target)) return;
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.promises.writeFile(temporary, bytes);
  await fs.promises.rename(temporary, target);
}
