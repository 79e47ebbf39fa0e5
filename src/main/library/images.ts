import path from 'node:path';
import type { Db } from './database';
import { stamp, systemTime, type Clock } from './clock';

export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'webp';

export interface NewImage {
  studyId: number;
  sha256: string;
  originalPath: string;
  originalName: string;
  format: ImageFormat;
  width: number;
  height: number;
  orientation: number | null;
  bytes: number;
  capturedAt: string | null;
  bodySite: string | null;
  lesionId: string | null;
}

export interface ImageRecord extends NewImage {
  id: number;
  importedAt: string;
}

/** Whose image it is: the patient's code, the study's name and the study's date (ISO), if given. */
export interface ImageOwner {
  patient: string;
  study: string;
  studyDate: string | null;
}

const COLUMNS = `id, study_id AS studyId, sha256, original_path AS originalPath, original_name AS originalName,
  format, width, height, orientation, bytes, captured_at AS capturedAt, body_site AS bodySite,
  lesion_id AS lesionId, imported_at AS importedAt`;
/** The same columns, named as `i.<column>` for queries that join images with other tables. */
const QUALIFIED_COLUMNS = COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1i.$2');

export class Images {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  /** Adds an image with its file as its first source. */
  insert(image: NewImage): number {
    const importedAt = stamp(this.clock);
    const result = this.db
      .prepare(
        `INSERT INTO images (study_id, sha256, original_path, original_name, format, width, height, orientation,
           bytes, captured_at, body_site, lesion_id, imported_at)
         VALUES (@studyId, @sha256, @originalPath, @originalName, @format, @width, @height, @orientation,
           @bytes, @capturedAt, @bodySite, @lesionId, @importedAt)`,
      )
      .run({ ...image, importedAt });
    this.addSource(image.sha256, image.studyId, image.originalPath);
    return Number(result.lastInsertRowid);
  }

  /** Records that the file at `sourcePath` holds the stored image with this hash; once per path. */
  addSource(sha256: string, studyId: number, sourcePath: string): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO image_sources (image_id, study_id, path, name, imported_at)
         SELECT id, ?, ?, ?, ? FROM images WHERE sha256 = ?`,
      )
      .run(studyId, sourcePath, path.basename(sourcePath), stamp(this.clock), sha256);
  }

  byId(id: number): ImageRecord | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM images WHERE id = ?`).get(id) as ImageRecord | undefined;
  }

  /** An image with the codes of the patient and the study it belongs to. */
  withOwner(id: number): (ImageRecord & ImageOwner) | undefined {
    return this.db
      .prepare(
        `SELECT ${QUALIFIED_COLUMNS}, p.code AS patient, s.name AS study, s.study_date AS studyDate
         FROM images i JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id
         WHERE i.id = ?`,
      )
      .get(id) as (ImageRecord & ImageOwner) | undefined;
  }

  bySha256(sha256: string): ImageRecord | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM images WHERE sha256 = ?`).get(sha256) as
      ImageRecord | undefined;
  }

  /**
   * Image ids by the name of every file they were imported from, and by that name without its
   * extension: the two ways exports from pathology and photography systems name images
   * ("ISIC_0027419.jpg" or "ISIC_0027419").
   */
  idsByName(): Map<string, number[]> {
    const index = new Map<string, number[]>();
    const add = (key: string, id: number): void => {
      const ids = index.get(key);
      if (!ids) index.set(key, [id]);
      else if (!ids.includes(id)) ids.push(id);
    };
    const rows = this.db.prepare('SELECT image_id AS id, name FROM image_sources').all() as Array<{
      id: number;
      name: string;
    }>;
    for (const { id, name } of rows) {
      add(name, id);
      const dot = name.lastIndexOf('.');
      if (dot > 0) add(name.slice(0, dot), id);
    }
    return index;
  }

  allSha256(): Set<string> {
    const rows = this.db.prepare('SELECT sha256 FROM images').pluck().all() as string[];
    return new Set(rows);
  }

  /** Fills a lesion id the image does not have yet; an existing one is kept. */
  setLesionIdIfMissing(id: number, lesionId: string): boolean {
    return (
      this.db.prepare('UPDATE images SET lesion_id = ? WHERE id = ? AND lesion_id IS NULL').run(lesionId, id)
        .changes === 1
    );
  }
}
