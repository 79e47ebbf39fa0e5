import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { inspectLibrary } from './library-checks';
import { HAM_FIXTURES } from './temp-dirs';
import { runTriage } from './triage-cli';

/** What a killed retraining must leave as it was: every label, and one readable active model. */
export interface RetrainingSnapshot {
  labels: unknown[];
  active: Array<{ version: string; artifact_path: string }>;
}

/** A library of the four fixture photographs, two of them labeled (one melanoma), made by the CLI. */
export async function labeledFixtureLibrary(root: string): Promise<string> {
  const dataDir = path.join(root, 'library');
  const d = ['--data-dir', dataDir];
  expect((await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', ...d])).code).toBe(0);
  const labels = path.join(root, 'labels.csv');
  fs.writeFileSync(
    labels,
    'image,diagnosis,confirmed_by\nISIC_0024310,mel,histo\nISIC_0024306,nv,follow_up\n',
  );
  expect((await runTriage(['labels', 'import', labels, ...d])).code).toBe(0);
  return dataDir;
}

export function retrainingSnapshot(dataDir: string): RetrainingSnapshot {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return {
      labels: db.prepare('SELECT * FROM labels ORDER BY id').all(),
      active: db
        .prepare(`SELECT version, artifact_path FROM models WHERE status = 'active'`)
        .all() as RetrainingSnapshot['active'],
    };
  } finally {
    db.close();
  }
}

/** The labels as they were, one active model whose files are its own, and a sound database. */
export function expectIntactAfterKill(dataDir: string, before: RetrainingSnapshot, context: string): void {
  const after = retrainingSnapshot(dataDir);
  expect(after.labels, context).toEqual(before.labels);
  expect(after.active, context).toHaveLength(1);
  const active = after.active[0] as RetrainingSnapshot['active'][number];
  const file = path.join(dataDir, active.artifact_path, 'model.json');
  expect(JSON.parse(fs.readFileSync(file, 'utf8')).version, context).toBe(active.version);
  expect(inspectLibrary(dataDir).integrity, context).toBe('ok');
}

/** After the retraining that follows a kill: no run is left marked as running. */
export function expectNoRunningRun(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    expect(db.prepare(`SELECT count(*) FROM training_runs WHERE status = 'running'`).pluck().get()).toBe(0);
  } finally {
    db.close();
  }
}
