import type { Db } from './database';
import { stamp, systemTime, type Clock } from './clock';

/** Embeddings of many images as one row-major matrix, the shape the head trains and scores on. */
export interface EmbeddingMatrix {
  imageIds: number[];
  dimension: number;
  /** imageIds.length × dimension, row i belonging to imageIds[i]. */
  values: Float32Array;
}

/**
 * The backbone's output per image, cached so each image is decoded and embedded once per backbone
 * version; re-scoring and retraining then never touch the images.
 */
export class Embeddings {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  put(imageId: number, backbone: string, vector: Float32Array): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO embeddings (image_id, backbone, vector, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(
        imageId,
        backbone,
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
        stamp(this.clock),
      );
  }

  get(imageId: number, backbone: string): Float32Array | undefined {
    const blob = this.db
      .prepare('SELECT vector FROM embeddings WHERE image_id = ? AND backbone = ?')
      .pluck()
      .get(imageId, backbone) as Buffer | undefined;
    return blob && toFloat32(blob);
  }

  /** Images that have no embedding for this backbone yet, oldest first. */
  missing(backbone: string): number[] {
    return this.db
      .prepare(
        `SELECT id FROM images i WHERE NOT EXISTS
           (SELECT 1 FROM embeddings e WHERE e.image_id = i.id AND e.backbone = ?) ORDER BY id`,
      )
      .pluck()
      .all(backbone) as number[];
  }

  /**
   * All embeddings of this backbone in image id order, `size` images at a time, so that scoring a
   * library of any size holds one chunk in memory. Each chunk reuses the previous one's memory (first
   * touching 50 MB of fresh pages costs more than reading it from SQLite): use it before the next.
   */
  *chunks(backbone: string, size: number): Generator<EmbeddingMatrix> {
    const statement = this.db
      .prepare(
        'SELECT image_id, vector FROM embeddings WHERE backbone = ? AND image_id > ? ORDER BY image_id LIMIT ?',
      )
      .raw();
    let buffer: Uint8Array | undefined;
    let after = 0;
    for (;;) {
      const rows = statement.all(backbone, after, size) as Array<[number, Buffer]>;
      if (rows.length === 0) return;
      after = rows[rows.length - 1]?.[0] as number;
      const rowBytes = rows[0]?.[1].byteLength ?? 0;
      buffer ??= new Uint8Array(size * rowBytes);
      rows.forEach(([, blob], i) => (buffer as Uint8Array).set(blob, i * rowBytes));
      yield {
        imageIds: rows.map(([id]) => id),
        dimension: rowBytes / 4,
        values: new Float32Array(buffer.buffer, 0, (rows.length * rowBytes) / 4),
      };
    }
  }

  /** All embeddings of this backbone, or only those of `imageIds`, in image id order. */
  matrix(backbone: string, imageIds?: number[]): EmbeddingMatrix {
    const wanted = imageIds && new Set(imageIds);
    const ids: number[] = [];
    const rows: Float32Array[] = [];
    const statement = this.db
      .prepare('SELECT image_id AS id, vector FROM embeddings WHERE backbone = ? ORDER BY image_id')
      .raw();
    for (const [id, blob] of statement.iterate(backbone) as Iterable<[number, Buffer]>) {
      if (wanted && !wanted.has(id)) continue;
      ids.push(id);
      rows.push(toFloat32(blob));
    }
    return assemble(ids, rows);
  }
}

function assemble(imageIds: number[], rows: Float32Array[]): EmbeddingMatrix {
  const dimension = rows[0]?.length ?? 0;
  const values = new Float32Array(rows.length * dimension);
  rows.forEach((row, i) => values.set(row, i * dimension));
  return { imageIds, dimension, values };
}

function toFloat32(blob: Buffer): Float32Array {
  // Copy: the Buffer may not be 4-byte aligned, and SQLite reuses its memory.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
