import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/main/library';
import { migrate } from '../../src/main/library/database';
import { LATEST_SCHEMA_VERSION } from '../../src/main/library/migrations';
import { useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();

const LABELS = `SELECT id, image_id, melanoma, diagnosis, confirmed_by, confirmed_at, labeled_by, labeled_at, note,
  withdrawn FROM labels ORDER BY id`;

/** What the schema holds for the labels table besides the table: its index, triggers and the view. */
function labelSchema(db: Database.Database): Array<{ type: string; name: string }> {
  return db
    .prepare(
      `SELECT type, name FROM sqlite_master
       WHERE tbl_name IN ('labels', 'current_labels') AND type != 'table' ORDER BY name`,
    )
    .all() as Array<{ type: string; name: string }>;
}

describe('migration 6: scc and the diagnosis detail', () => {
  it('rebuilds the labels of a version 5 library keeping every row, its id, index and triggers', () => {
    const dir = tmp();
    const file = path.join(dir, 'library.db');
    const old = new Database(file);
    migrate(old, file, 5);
    old.exec(`
      INSERT INTO patients (code, created_at) VALUES ('P-7', '2025-01-01');
      INSERT INTO studies (patient_id, name, created_at) VALUES (1, 'first', '2025-01-01');
      INSERT INTO images (study_id, sha256, original_path, original_name, format, width, height, bytes, imported_at)
        VALUES (1, '${'a'.repeat(64)}', '/p/a.jpg', 'a.jpg', 'jpeg', 4, 3, 10, '2025-01-01'),
               (1, '${'b'.repeat(64)}', '/p/b.jpg', 'b.jpg', 'jpeg', 4, 3, 10, '2025-01-01');
      INSERT INTO models (version, kind, backbone, status, threshold, created_at)
        VALUES ('m1', 'head', 'mobilenet', 'active', 0.5, '2025-01-01');
      INSERT INTO predictions (image_id, model_id, probability, created_at)
        VALUES (1, 1, 0.9, '2025-01-01'), (2, 1, 0.1, '2025-01-01');
      INSERT INTO labels (image_id, melanoma, diagnosis, confirmed_by, confirmed_at, labeled_by, labeled_at, note)
        VALUES (1, 1, 'mel', 'histopathology', '2025-01-02', 'dr', '2025-01-02T10:00:00Z', 'Breslow 0.4 mm'),
               (2, 0, 'nv', 'follow-up', NULL, 'dr', '2025-01-02T10:01:00Z', NULL);
      -- A gap in the ids, which the rebuild must keep: the history's order is its ids.
      INSERT INTO labels (id, image_id, melanoma, diagnosis, labeled_by, labeled_at, withdrawn)
        VALUES (7, 2, 0, 'nv', 'dr', '2025-01-02T10:02:00Z', 1);
    `);
    const before = old.prepare(LABELS).all();
    const schemaBefore = labelSchema(old);
    old.close();

    const library = openLibrary(dir);
    try {
      expect(library.info().schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(library.db.prepare(LABELS).all()).toEqual(before);
      expect(labelSchema(library.db)).toEqual(schemaBefore);
      expect(schemaBefore.map((s) => s.name)).toEqual([
        'current_labels',
        'labels_append_only_delete',
        'labels_append_only_update',
        'labels_image',
        'labels_onto_predictions',
      ]);
      expect(library.db.pragma('foreign_key_check')).toEqual([]);
      expect(library.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Still append-only, still the newest row per image, still copied onto the predictions.
      expect(() => library.db.prepare('UPDATE labels SET melanoma = 0 WHERE id = 1').run()).toThrow(
        'labels are append-only',
      );
      expect(() => library.db.prepare('DELETE FROM labels WHERE id = 1').run()).toThrow(
        'labels are append-only',
      );
      expect(library.labels.current(1)).toMatchObject({ id: 1, diagnosis: 'mel', diagnosisDetail: null });
      expect(library.labels.current(2)).toBeUndefined();
      expect(library.labels.labeledImageCount()).toBe(1);

      const { label } = library.labels.add({
        imageId: 2,
        melanoma: false,
        diagnosis: 'scc',
        confirmedBy: 'confocal',
        labeledBy: 'dr',
      });
      expect(label).toMatchObject({ id: 8, diagnosis: 'scc', confirmedBy: 'confocal' });
      const detail = library.labels.add({
        imageId: 1,
        melanoma: true,
        diagnosisDetail: 'invasive',
        labeledBy: 'dr',
      });
      expect(detail.label).toMatchObject({ id: 9, diagnosis: 'mel', diagnosisDetail: 'invasive' });
      expect(
        library.db.prepare('SELECT image_id, label_melanoma FROM predictions ORDER BY image_id').all(),
      ).toEqual([
        { image_id: 1, label_melanoma: 1 },
        { image_id: 2, label_melanoma: 0 },
      ]);
      expect(() =>
        library.db
          .prepare(
            `INSERT INTO labels (image_id, melanoma, diagnosis_detail, labeled_by, labeled_at)
             VALUES (1, 1, 'spreading', 'dr', 'now')`,
          )
          .run(),
      ).toThrow(/CHECK constraint failed/);
    } finally {
      library.close();
    }
  });
});
