import type { Db } from './database';
import { LibraryError } from './errors';
import { stamp, systemTime, type Clock } from './clock';

export type ModelStatus = 'candidate' | 'active' | 'retired' | 'rejected';

export interface NewModel {
  version: string;
  /** 'head' for a classifier on cached embeddings; deep retraining adds its own kinds. */
  kind: string;
  backbone: string;
  status: Exclude<ModelStatus, 'active'>;
  threshold: number;
  metrics: unknown;
  /** Folder of the model's files, relative to the data directory. */
  artifactPath: string;
  parentVersion: string | null;
  provenance: unknown;
}

export interface ModelRecord extends Omit<NewModel, 'status'> {
  id: number;
  status: ModelStatus;
  createdAt: string;
  promotedAt: string | null;
}

interface ModelRow extends Omit<ModelRecord, 'metrics' | 'provenance'> {
  metrics: string | null;
  provenance: string | null;
}

const COLUMNS = `id, version, kind, backbone, status, threshold, metrics, artifact_path AS artifactPath,
  parent_version AS parentVersion, provenance, created_at AS createdAt, promoted_at AS promotedAt`;

/**
 * The versions of the model this library has trained, and which one is active. At most one row is
 * active (a unique index enforces it), and switching is one transaction, so a crash mid-promotion
 * leaves either the old or the new model active, never none or two.
 */
export class Models {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemTime,
  ) {}

  insert(model: NewModel): number {
    const result = this.db
      .prepare(
        `INSERT INTO models (version, kind, backbone, status, threshold, metrics, artifact_path, parent_version,
           provenance, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        model.version,
        model.kind,
        model.backbone,
        model.status,
        model.threshold,
        JSON.stringify(model.metrics),
        model.artifactPath,
        model.parentVersion,
        JSON.stringify(model.provenance),
        stamp(this.clock),
      );
    return Number(result.lastInsertRowid);
  }

  active(): ModelRecord | undefined {
    return this.one(`SELECT ${COLUMNS} FROM models WHERE status = 'active'`);
  }

  byVersion(version: string): ModelRecord | undefined {
    return this.one(`SELECT ${COLUMNS} FROM models WHERE version = ?`, version);
  }

  list(): ModelRecord[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM models ORDER BY id`).all() as ModelRow[];
    return rows.map(toRecord);
  }

  /**
   * The newest label any stored model was trained on (its provenance's labelSnapshot), rejected ones
   * included: labels after it are ones no retraining has seen yet. Null when none saw any.
   */
  newestLabelSnapshot(): string | null {
    return this.db
      .prepare(`SELECT max(json_extract(provenance, '$.labelSnapshot')) FROM models`)
      .pluck()
      .get() as string | null;
  }

  /** Makes `version` the active model; the one active before is retired. */
  activate(version: string): ModelRecord {
    return this.db.transaction(() => {
      const target = this.byVersion(version);
      if (!target) throw new LibraryError(`No model version ${version} in this library.`, 'not-found');
      if (target.status === 'active') return target;
      this.db.prepare(`UPDATE models SET status = 'retired' WHERE status = 'active'`).run();
      this.db
        .prepare(`UPDATE models SET status = 'active', promoted_at = ? WHERE id = ?`)
        .run(stamp(this.clock), target.id);
      return this.byVersion(version) as ModelRecord;
    })();
  }

  private one(sql: string, ...params: unknown[]): ModelRecord | undefined {
    const row = this.db.prepare(sql).get(...params) as ModelRow | undefined;
    return row && toRecord(row);
  }
}

function toRecord(row: ModelRow): ModelRecord {
  return {
    ...row,
    metrics: row.metrics === null ? null : JSON.parse(row.metrics),
    provenance: row.provenance === null ? null : JSON.parse(row.provenance),
  };
}
