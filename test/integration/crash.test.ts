import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/main/importer/report';
import { writeSyntheticJpegs } from '../helpers/images';
import { inspectLibrary } from '../helpers/library-checks';
import { useTempDirs } from '../helpers/temp-dirs';
import { runTriage, spawnTriage, type CliResult } from '../helpers/triage-cli';

/**
 * The real `triage import` is killed with SIGKILL at random moments; each time, running the same import
 * again must complete it and leave a whole library: every image stored once, no row without its files,
 * no file without its row. TRIAGE_CRASH_SEED=<n> replays a run's kill delays.
 */

const KILLS = 22;
const MIN_LIVE_KILLS = 15;
const MIN_MID_IMPORT_KILLS = 5;
/** 320×240 noisy photographs: large enough that decoding, not Node's start-up, fills most of the run. */
const PHOTOS = 200;
const DUPLICATES = 2;
const FILES = PHOTOS + DUPLICATES + 1;
const SEED = seedFromEnv(process.env.TRIAGE_CRASH_SEED);

interface KilledRun {
  pid: number;
  /** False when the import had already ended before the signal was sent. */
  live: boolean;
  code: number | null;
}

interface RunRow {
  status: string;
  pid: number | null;
}

describe('an import killed with SIGKILL', () => {
  const tempDir = useTempDirs();
  let source = '';
  let corrupt = '';
  let fullImportMs = 0;
  const random = mulberry32(SEED);
  const tally = { live: 0, midImport: 0, rowsCommitted: 0 };

  beforeAll(async () => {
    // Not through useTempDirs: its folders go after each test, and this one serves them all.
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-crash-source-'));
    const photos = await writeSyntheticJpegs(source, PHOTOS, { width: 320, height: 240 });
    // Copies at both ends of the name order, so either the original or the copy may be stored first.
    fs.copyFileSync(photos[5] ?? '', path.join(source, 'a-copy.jpg'));
    fs.copyFileSync(photos[150] ?? '', path.join(source, 'z-copy.jpg'));
    // Cut short mid-scan: its header reads, its pixels do not, so it fails while being decoded.
    const whole = fs.readFileSync(photos[60] ?? '');
    corrupt = path.join(source, 'photo-0060-truncated.jpg');
    fs.writeFileSync(corrupt, whole.subarray(0, Math.floor(whole.length * 0.6)));

    // Once to let tsx compile the sources into its cache, so the timed runs are like the killed ones.
    await runTriage(['--version']);
    // The faster of two runs: one slowed by a busy machine would put the late kills after the end.
    fullImportMs = Math.min(await timedFullImport(), await timedFullImport());
    console.log(`crash test: seed ${SEED}, an uninterrupted import takes ${fullImportMs.toFixed(0)} ms`);
  }, 120_000);

  afterAll(() => {
    if (source) fs.rmSync(source, { recursive: true, force: true });
  });

  for (let kill = 0; kill < KILLS; kill++) {
    it(`recovers from kill ${kill + 1} of ${KILLS}`, async () => {
      // Stratified: one delay drawn uniformly from each of KILLS equal slices of the run, so every stage
      // from the start of the import to the last commit is hit on every run, not only on lucky seeds.
      const delayMs = Math.round(((kill + random()) / KILLS) * fullImportMs);
      const context = `TRIAGE_CRASH_SEED=${SEED}, kill ${kill + 1} after ${delayMs} ms of a ${fullImportMs.toFixed(0)} ms import`;
      const dataDir = tempDir('triage-crash-');

      const killed = await runImport(importArgs(dataDir), delayMs);
      if (killed.live) tally.live++;
      else expect(killed.code, `${context}: the import ended on its own`).toBe(1);

      const rerun = await runTriage(importArgs(dataDir));
      expect(rerun.code, `${context}: re-run exit code; stderr: ${rerun.stderr}`).toBe(1);
      const report = parseReport(rerun, context);
      expect(report.status, context).toBe('completed');
      expect(report.failed, context).toBe(1);
      expect(
        report.files.filter((f) => f.status === 'failed').map((f) => f.path),
        context,
      ).toEqual([corrupt]);
      expect(report.imported + report.alreadyImported, context).toBe(PHOTOS);
      expect(report.duplicates, context).toBe(DUPLICATES);
      if (report.alreadyImported > 0 && report.alreadyImported < PHOTOS) tally.rowsCommitted++;

      const health = inspectLibrary(dataDir);
      expect(health.integrity, context).toBe('ok');
      expect(health.images, context).toBe(PHOTOS);
      expect(health.distinctHashes, context).toBe(health.images);
      expect(health.missingFiles, context).toEqual([]);
      expect(health.strayFiles, context).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'writer.lock')), `${context}: lock left behind`).toBe(false);

      // The killed run, if it got as far as recording itself, is now marked interrupted, not running.
      const runs = importRuns(dataDir);
      expect(runs.at(-1)?.status, context).toBe('completed');
      const earlier = runs.slice(0, -1);
      // A kill before the run recorded itself leaves no row for it; one after leaves exactly one.
      expect(earlier.length, context).toBeLessThanOrEqual(1);
      if (!killed.live) expect(earlier.length, context).toBe(1);
      for (const run of earlier) {
        expect(run.pid, context).toBe(killed.pid);
        // A kill in the last moments, after the run recorded its completion but before the process
        // exited, leaves a completed run; then the re-run has nothing left to import.
        if (run.status === 'completed') expect(report.imported, context).toBe(0);
        else expect(killed.live && run.status, context).toBe('interrupted');
      }
      if (killed.live && earlier[0]?.status === 'interrupted') tally.midImport++;
    }, 60_000);
  }

  it('killed most imports while they were running', () => {
    console.log(
      `crash test: seed ${SEED}: ${tally.live}/${KILLS} kills hit a live process, ${tally.midImport} after the run ` +
        `was recorded, ${tally.rowsCommitted} with some but not all rows committed`,
    );
    expect(tally.live, `TRIAGE_CRASH_SEED=${SEED}`).toBeGreaterThanOrEqual(MIN_LIVE_KILLS);
    expect(tally.midImport, `TRIAGE_CRASH_SEED=${SEED}`).toBeGreaterThanOrEqual(MIN_MID_IMPORT_KILLS);
  });

  async function timedFullImport(): Promise<number> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-crash-calibration-'));
    try {
      const result = await runImport(importArgs(dataDir));
      const report = parseReport(result, 'calibration run');
      expect(report, 'the uninterrupted import').toMatchObject({
        found: FILES,
        imported: PHOTOS,
        duplicates: DUPLICATES,
        failed: 1,
      });
      return result.importMs;
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  function importArgs(dataDir: string): string[] {
    return [
      'import',
      source,
      '--patient',
      'P-CRASH',
      '--study',
      'crash',
      '--data-dir',
      dataDir,
      '--json',
      '--no-rank',
    ];
  }
});

/** What the import prints on stderr once its process has started and the import itself begins. */
const IMPORT_BEGINS = 'scanning folders';

/**
 * Runs the real `triage import`, and when `killAfterMs` is given kills it that long after the import
 * began. Timing from that moment rather than from the spawn keeps the process's start-up, which a
 * loaded machine stretches unpredictably, out of where the kills land.
 */
function runImport(
  args: string[],
  killAfterMs?: number,
): Promise<KilledRun & { signal: NodeJS.Signals | null; stdout: string; stderr: string; importMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawnTriage(args);
    let stdout = '';
    let stderr = '';
    let began: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (began === undefined && stderr.includes(IMPORT_BEGINS)) {
        began = performance.now();
        if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const importMs = began === undefined ? 0 : performance.now() - began;
      resolve({ pid: child.pid ?? -1, live: signal === 'SIGKILL', code, signal, stdout, stderr, importMs });
    });
  });
}

function parseReport(result: CliResult, context: string): ImportReport {
  try {
    return JSON.parse(result.stdout) as ImportReport;
  } catch {
    throw new Error(
      `${context}: no JSON report (exit ${result.code}); stdout: ${result.stdout}; stderr: ${result.stderr}`,
    );
  }
}

/** Read straight from the file, not through the code under test. */
function importRuns(dataDir: string): RunRow[] {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return db.prepare('SELECT status, pid FROM import_runs ORDER BY id').all() as RunRow[];
  } finally {
    db.close();
  }
}

function seedFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(`TRIAGE_CRASH_SEED must be a non-negative integer, not ${value}`);
  }
  return seed >>> 0;
}

/** A small seeded generator (mulberry32): the same seed gives the same kill delays. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
