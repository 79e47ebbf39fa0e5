/**
 * The library's schema, as an ordered list of migrations. `PRAGMA user_version` records how many have
 * run; opening a library runs the missing ones in one transaction. Never edit a migration that has
 * shipped: add a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'patients, studies, images, labels, predictions, models, audit',
    sql: `
      CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        note TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE studies (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients(id),
        name TEXT NOT NULL,
        study_date TEXT,
        source_folder TEXT,
        note TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (patient_id, name)
      );
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES studies(id),
        sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        original_path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'tiff', 'webp')),
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        orientation INTEGER,
        bytes INTEGER NOT NULL,
        captured_at TEXT,
        body_site TEXT,
        imported_at TEXT NOT NULL
      );
      CREATE INDEX images_study ON images (study_id);
      CREATE INDEX images_name ON images (original_name);

      -- Ground truth is a history: rows are only ever added; the newest row of an image is its label.
      CREATE TABLE labels (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id),
        melanoma INTEGER NOT NULL CHECK (melanoma IN (0, 1)),
        diagnosis TEXT CHECK (diagnosis IN ('akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'vasc', 'other')),
        confirmed_by TEXT CHECK (confirmed_by IN ('histopathology', 'consensus', 'follow-up', 'confocal', 'clinical')),
        confirmed_at TEXT,
        labeled_by TEXT NOT NULL,
        labeled_at TEXT NOT NULL,
        note TEXT
      );
      CREATE INDEX labels_image ON labels (image_id, id);
      CREATE TRIGGER labels_append_only_update BEFORE UPDATE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only: add a new label instead'); END;
      CREATE TRIGGER labels_append_only_delete BEFORE DELETE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only: add a new label instead'); END;
      CREATE VIEW current_labels AS
        SELECT l.* FROM labels l
        WHERE l.id = (SELECT max(id) FROM labels WHERE image_id = l.image_id);

      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        version TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        backbone TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('candidate', 'active', 'retired', 'rejected')),
        threshold REAL,
        metrics TEXT,
        artifact_path TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE training_runs (
        id INTEGER PRIMARY KEY,
        model_id INTEGER REFERENCES models(id),
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
        params TEXT,
        metrics TEXT,
        error TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE predictions (
        image_id INTEGER NOT NULL REFERENCES images(id),
        model_id INTEGER NOT NULL REFERENCES models(id),
        probability REAL NOT NULL CHECK (probability >= 0 AND probability <= 1),
        created_at TEXT NOT NULL,
        PRIMARY KEY (image_id, model_id)
      );

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        details TEXT
      );
    `,
  },
  {
    version: 2,
    description: 'lesion ids on images; every file an image was imported from; import runs',
    sql: `
      ALTER TABLE images ADD COLUMN lesion_id TEXT;
      -- An image is stored once, but byte-identical copies under other names are still that image:
      -- a pathology export may name any of them.
      CREATE TABLE image_sources (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id),
        study_id INTEGER NOT NULL REFERENCES studies(id),
        path TEXT NOT NULL,
        name TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (path, image_id)
      );
      CREATE INDEX image_sources_name ON image_sources (name);
      CREATE INDEX image_sources_image ON image_sources (image_id);
      INSERT INTO image_sources (image_id, study_id, path, name, imported_at)
        SELECT id, study_id, original_path, original_name, imported_at FROM images;
      CREATE INDEX images_lesion ON images (lesion_id);
      CREATE INDEX predictions_model ON predictions (model_id, probability);
      CREATE TABLE import_runs (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES studies(id),
        sources TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'interrupted')),
        pid INTEGER,
        found INTEGER NOT NULL DEFAULT 0,
        imported INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
    `,
  },
  {
    version: 3,
    description: 'embeddings per backbone; model provenance and the one active model; settings',
    sql: `
      -- Float32 little-endian vectors, computed once per image and backbone version. A rowid table:
      -- rows of 5 kB read much faster from it than from a WITHOUT ROWID b-tree.
      CREATE TABLE embeddings (
        image_id INTEGER NOT NULL REFERENCES images(id),
        backbone TEXT NOT NULL,
        vector BLOB NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (image_id, backbone)
      );
      ALTER TABLE models ADD COLUMN parent_version TEXT;
      ALTER TABLE models ADD COLUMN provenance TEXT;
      ALTER TABLE models ADD COLUMN promoted_at TEXT;
      CREATE UNIQUE INDEX models_one_active ON models (status) WHERE status = 'active';
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: "the queue's ranking index, with each image's current label on its predictions",
    sql: `
      -- The queue pages through a model's predictions in rank order at any offset. Its label filters are
      -- answered inside the ranking index when the current label's melanoma flag (NULL: unlabeled) is on
      -- the prediction: the trigger copies each new label there, Predictions.insert fills new rows.
      ALTER TABLE predictions ADD COLUMN label_melanoma INTEGER CHECK (label_melanoma IN (0, 1));
      UPDATE predictions SET label_melanoma =
        (SELECT melanoma FROM labels WHERE image_id = predictions.image_id ORDER BY id DESC LIMIT 1);
      CREATE TRIGGER labels_onto_predictions AFTER INSERT ON labels
        BEGIN UPDATE predictions SET label_melanoma = NEW.melanoma WHERE image_id = NEW.image_id; END;
      -- Covers (model, probability) as the index it replaces did; one index, so re-scoring costs no more.
      DROP INDEX predictions_model;
      CREATE INDEX predictions_rank ON predictions (model_id, probability DESC, image_id, label_melanoma);
    `,
  },
  {
    version: 5,
    description: 'labels can be withdrawn, leaving the image unlabeled',
    sql: `
      -- A withdrawal is a row like any other (the history stays append-only) that repeats the label it
      -- withdraws; while it is the newest row of its image, the image has no label.
      ALTER TABLE labels ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1));
      DROP VIEW current_labels;
      CREATE VIEW current_labels AS
        SELECT l.* FROM labels l
        WHERE l.withdrawn = 0 AND l.id = (SELECT max(id) FROM labels WHERE image_id = l.image_id);
      DROP TRIGGER labels_onto_predictions;
      CREATE TRIGGER labels_onto_predictions AFTER INSERT ON labels
        BEGIN
          UPDATE predictions SET label_melanoma = CASE WHEN NEW.withdrawn = 1 THEN NULL ELSE NEW.melanoma END
          WHERE image_id = NEW.image_id;
        END;
    `,
  },
  {
    version: 6,
    description: 'squamous cell carcinoma as a diagnosis; in situ or invasive as its detail',
    sql: `
      -- SQLite cannot alter a CHECK, so the labels table is rebuilt: every row is copied with its id
      -- (the history's order), then its index, its append-only triggers and the view are made again.
      -- The view goes first: a view naming a dropped table stops the rename.
      DROP VIEW current_labels;
      CREATE TABLE labels_v6 (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id),
        melanoma INTEGER NOT NULL CHECK (melanoma IN (0, 1)),
        diagnosis TEXT CHECK (diagnosis IN ('akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'scc', 'vasc', 'other')),
        diagnosis_detail TEXT CHECK (diagnosis_detail IN ('in situ', 'invasive')),
        confirmed_by TEXT CHECK (confirmed_by IN ('histopathology', 'confocal', 'consensus', 'follow-up', 'clinical')),
        confirmed_at TEXT,
        labeled_by TEXT NOT NULL,
        labeled_at TEXT NOT NULL,
        note TEXT,
        withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1))
      );
      INSERT INTO labels_v6
        (id, image_id, melanoma, diagnosis, confirmed_by, confirmed_at, labeled_by, labeled_at, note, withdrawn)
        SELECT id, image_id, melanoma, diagnosis, confirmed_by, confirmed_at, labeled_by, labeled_at, note, withdrawn
        FROM labels;
      -- Dropping a table fires none of its triggers, and takes its index and triggers with it.
      DROP TABLE labels;
      ALTER TABLE labels_v6 RENAME TO labels;
      CREATE INDEX labels_image ON labels (image_id, id);
      CREATE TRIGGER labels_append_only_update BEFORE UPDATE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only: add a new label instead'); END;
      CREATE TRIGGER labels_append_only_delete BEFORE DELETE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only: add a new label instead'); END;
      CREATE TRIGGER labels_onto_predictions AFTER INSERT ON labels
        BEGIN
          UPDATE predictions SET label_melanoma = CASE WHEN NEW.withdrawn = 1 THEN NULL ELSE NEW.melanoma END
          WHERE image_id = NEW.image_id;
        END;
      CREATE VIEW current_labels AS
        SELECT l.* FROM labels l
        WHERE l.withdrawn = 0 AND l.id = (SELECT max(id) FROM labels WHERE image_id = l.image_id);
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0;
