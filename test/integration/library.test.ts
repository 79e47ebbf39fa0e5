import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LibraryError, openLibrary, type Library } from '../../src/main/library';
import { migrate } from '../../src/main/library/database';
import { LATEST_SCHEMA_VERSION } from '../../src/main/library/migrations';
import { useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();

function addImage(library: Library, name: string, sha = name.padEnd(64, '0')): number {
  const patient = library.patients.ensurePatient('P-1');
  const study = library.patients.ensureStudy(patient.id, 'visit');
  return library.images.insert({
    studyId: study.id,
    sha256: sha,
    originalPath: `/photos/${name}`,
    originalName: name,
    format: 'jpeg',
    width: 10,
    height: 10,
    orientation: null,
    bytes: 100,
    capturedAt: null,
    bodySite: null,
    lesionId: null,
  });
}

describe('library database', () => {
  it('creates a WAL database with foreign keys on, at the latest schema version', () => {
    const dir = tmp();
    const library = openLibrary(dir);
    try {
      expect(library.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(library.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(library.info()).toMatchObject({ dataDir: dir, schemaVersion: LATEST_SCHEMA_VERSION, images: 0 });
      expect(fs.existsSync(path.join(dir, 'images'))).toBe(true);
      expect(() =>
        library.db
          .prepare("INSERT INTO studies (patient_id, name, created_at) VALUES (999, 'x', 'now')")
          .run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      library.close();
    }
  });

  it('keeps every label: the newest is current and the history cannot be rewritten', () => {
    const library = openLibrary(tmp());
    try {
      const imageId = addImage(library, 'a.jpg', 'a'.repeat(64));
      const first = library.labels.add({ imageId, melanoma: false, diagnosis: 'nv', labeledBy: 'dr-a' });
      const same = library.labels.add({ imageId, melanoma: false, diagnosis: 'nv', labeledBy: 'dr-b' });
      const second = library.labels.add({
        imageId,
        melanoma: true,
        confirmedBy: 'histopathology',
        confirmedAt: '2026-01-02',
        labeledBy: 'dr-b',
        note: 'excised',
      });
      expect(first.added).toBe(true);
      expect(same.added).toBe(false);
      expect(second.label).toMatchObject({ melanoma: true, diagnosis: 'mel', confirmedBy: 'histopathology' });
      expect(library.labels.current(imageId)?.id).toBe(second.label.id);
      expect(library.labels.history(imageId).map((l) => [l.melanoma, l.diagnosis, l.labeledBy])).toEqual([
        [false, 'nv', 'dr-a'],
        [true, 'mel', 'dr-b'],
      ]);
      expect(() => library.db.prepare('UPDATE labels SET melanoma = 0').run()).toThrow(/append-only/);
      expect(() => library.db.prepare('DELETE FROM labels').run()).toThrow(/append-only/);
      expect(library.labels.history(imageId)).toHaveLength(2);
    } finally {
      library.close();
    }
  });

  it('withdraws a label, leaving the image unlabeled everywhere and the history whole', () => {
    const library = openLibrary(tmp());
    try {
      const imageId = addImage(library, 'a.jpg', 'a'.repeat(64));
      const other = addImage(library, 'b.jpg', 'b'.repeat(64));
      library.labels.add({ imageId: other, melanoma: false, diagnosis: 'nv', labeledBy: 'dr-a' });
      expect(library.labels.withdraw(imageId, 'dr-a')).toBeNull();
      const label = library.labels.add({ imageId, melanoma: true, labeledBy: 'dr-a' }).label;
      const [studies] = library.patients.listStudies('P-1');
      expect([library.info().labeledImages, studies?.labeled]).toEqual([2, 2]);

      const withdrawal = library.labels.withdraw(imageId, 'dr-b');
      expect(withdrawal).toMatchObject({
        melanoma: true,
        diagnosis: 'mel',
        labeledBy: 'dr-b',
        withdrawn: true,
      });
      expect(library.labels.current(imageId)).toBeUndefined();
      expect(library.labels.history(imageId).map((l) => [l.id, l.withdrawn])).toEqual([
        [label.id, false],
        [withdrawal!.id, true],
      ]);
      expect(library.labels.withdraw(imageId, 'dr-b')).toBeNull();
      expect(library.info().labeledImages).toBe(1);
      expect(library.patients.listPatients()[0]?.labeled).toBe(1);
      expect(library.labels.trainingLabels('any').map((l) => l.imageId)).toEqual([]);
      expect(library.db.prepare('SELECT image_id FROM current_labels').pluck().all()).toEqual([other]);

      // Labeled again, it is current again; the same label is a new row, not "unchanged".
      expect(library.labels.add({ imageId, melanoma: true, labeledBy: 'dr-a' }).added).toBe(true);
      expect(library.labels.current(imageId)?.melanoma).toBe(true);
      expect(() => library.labels.withdraw(9999, 'dr-a')).toThrow(/No image with id 9999/);
    } finally {
      library.close();
    }
  });

  it('refuses a label whose melanoma and diagnosis disagree, or that names a missing image', () => {
    const library = openLibrary(tmp());
    try {
      const imageId = addImage(library, 'b.jpg', 'b'.repeat(64));
      expect(() =>
        library.labels.add({ imageId, melanoma: false, diagnosis: 'mel', labeledBy: 'x' }),
      ).toThrow(/melanoma and diagnosis disagree/);
      expect(() => library.labels.add({ imageId, melanoma: true, diagnosis: 'nv', labeledBy: 'x' })).toThrow(
        LibraryError,
      );
      expect(() => library.labels.add({ imageId: 4242, melanoma: true, labeledBy: 'x' })).toThrow(
        /No image with id 4242/,
      );
      expect(library.labels.history(imageId)).toHaveLength(0);
    } finally {
      library.close();
    }
  });

  it('migrates a version 1 library, keeping its data and a copy of the old file', () => {
    const dir = tmp();
    const file = path.join(dir, 'library.db');
    const old = new Database(file);
    migrate(old, file, 1);
    old.prepare("INSERT INTO patients (code, created_at) VALUES ('P-7', '2025-01-01')").run();
    old.prepare("INSERT INTO studies (patient_id, name, created_at) VALUES (1, 'first', '2025-01-01')").run();
    old
      .prepare(
        `INSERT INTO images (study_id, sha256, original_path, original_name, format, width, height, bytes, imported_at)
         VALUES (1, ?, '/p/x.jpg', 'x.jpg', 'jpeg', 4, 3, 10, '2025-01-01')`,
      )
      .run('c'.repeat(64));
    old
      .prepare(
        "INSERT INTO labels (image_id, melanoma, diagnosis, labeled_by, labeled_at) VALUES (1, 1, 'mel', 'dr', '2025-01-02')",
      )
      .run();
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.close();

    const library = openLibrary(dir);
    try {
      expect(library.info()).toMatchObject({
        schemaVersion: LATEST_SCHEMA_VERSION,
        patients: 1,
        images: 1,
        labeledImages: 1,
      });
      expect(library.images.byId(1)).toMatchObject({ originalName: 'x.jpg', lesionId: null });
      expect(library.labels.current(1)).toMatchObject({ melanoma: true, diagnosis: 'mel' });
      expect(library.images.setLesionIdIfMissing(1, 'L-1')).toBe(true);
      expect(library.images.idsByName().get('x')).toEqual([1]);
      expect(fs.existsSync(`${file}.v1.bak`)).toBe(true);
    } finally {
      library.close();
    }
  });

  it('refuses a library written by a newer version, without touching it', () => {
    const dir = tmp();
    openLibrary(dir).close();
    const file = path.join(dir, 'library.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openLibrary(dir)).toThrow(/newer than this program knows/);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    after.close();
  });

  it('reports a damaged database clearly, naming the file, and leaves it as it was', () => {
    const dir = tmp();
    const library = openLibrary(dir);
    for (let i = 0; i < 200; i++) addImage(library, `img-${i}.jpg`, i.toString(16).padStart(64, 'd'));
    library.db.pragma('wal_checkpoint(TRUNCATE)');
    library.close();
    const file = path.join(dir, 'library.db');
    const bytes = fs.readFileSync(file);
    // Overwrite the middle pages (index and table b-tree pages) with garbage, keeping the header intact.
    bytes.fill(0x5a, 4096 * 2, bytes.length - 4096);
    fs.writeFileSync(file, bytes);
    const error = (() => {
      try {
        openLibrary(dir).close();
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as LibraryError).code).toBe('corrupt');
    expect((error as Error).message).toContain(file);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('reports a file that is not a database at all', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'library.db'), 'these are not the pages you are looking for'.repeat(100));
    expect(() => openLibrary(dir)).toThrow(/library\.db is damaged or not a library/);
  });
});
