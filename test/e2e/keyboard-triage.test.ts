/**
 * The measure of a keyboard-first triage (issue 17: 50 images took 159 keys): 50 real HAM10000
 * photographs labeled from launch with the keyboard alone, in a real Chromium against the real
 * services, in at most 2.2 keys per image, moving on included, and every label in the library's file.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/api/vocabulary';
import { importFolders } from '../../src/main/importer/import-folders';
import { DATABASE_FILE } from '../../src/main/library';
import { rankCurrent } from '../../src/main/triage/model-session';
import { diagnosisKey } from '../../src/renderer/image/labelKeys';
import { requireSharedHam } from '../helpers/temp-dirs';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';

const IMAGES = 50;

/**
 * Every 200th photograph of HAM10000's labels.csv (sorted by diagnosis): 34 nv, 6 bkl, 5 mel, 2 akiec,
 * 2 bcc, 1 df, 1 vasc, with the diagnosis each was given.
 */
function sample(ham: string): Map<string, Diagnosis> {
  const rows = readFileSync(join(ham, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  const truth = new Map<string, Diagnosis>();
  for (let i = 0; truth.size < IMAGES; i += 200) {
    const [imageId, file, dx] = (rows[i] ?? '').split(',');
    if (!imageId || !file || !dx) throw new Error(`labels.csv has no row ${i + 2}`);
    truth.set(`${imageId}.jpg`, dx as Diagnosis);
  }
  return truth;
}

let truth = new Map<string, Diagnosis>();
const app = useAppOnLibrary(async (library) => {
  const ham = requireSharedHam();
  truth = sample(ham);
  const folder = mkdtempSync(join(tmpdir(), 'triage-e2e-fifty-'));
  try {
    for (const name of truth.keys()) copyFileSync(join(ham, 'images', name), join(folder, name));
    await importFolders(library, { folders: [folder], patient: 'P-0050', study: 'Clinic', actor: 'e2e' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  await rankCurrent(library);
});

/** The queue place (from 1) of the card holding the page's focus, or null when no card has it. */
function focusedPlace(page: Page): Promise<number | null> {
  return page.evaluate(
    'Number(document.activeElement?.closest("[data-queue-index]")?.getAttribute("aria-posinset")) || null',
  );
}

describe('a keyboard-first triage', () => {
  it(`labels ${IMAGES} images from launch by keyboard alone in at most 2.2 keys each`, async () => {
    const library = app.library();
    expect(library.info().images).toBe(IMAGES);
    const { page, errors } = await app
      .harness()
      .openApp(apiHandlersFor(library), { viewport: { width: 1280, height: 720 } });
    const keys: string[] = [];
    const press = async (key: string): Promise<void> => {
      keys.push(key);
      await page.keyboard.press(key);
    };
    const dialog = page.getByRole('dialog');
    const shown = (): Promise<string | null> => dialog.getByTestId('image-position').textContent();
    const stored = (name: string) => {
      const id = library.db
        .prepare('SELECT id FROM images WHERE original_name = ?')
        .pluck()
        .get(name) as number;
      return library.labels.current(id);
    };

    // Launch: the focus is on the first card, no Tab needed.
    await expect.poll(() => focusedPlace(page), { timeout: 30_000 }).toBe(1);
    await press('Enter');
    await expect.poll(() => shown(), { timeout: 10_000 }).toMatch(/^Image 1 of 50 · /);
    // Once for the session: this clinic's labels are clinical diagnoses.
    await press('Shift+L');
    await expect.poll(() => dialog.getByTestId('session-confirmation').count()).toBe(1);

    const labeled: string[] = [];
    for (let place = 1; place <= IMAGES; place++) {
      await expect.poll(() => shown(), { timeout: 10_000 }).toMatch(new RegExp(`^Image ${place} of 50 · `));
      const name = /· (.+)$/.exec((await shown()) ?? '')?.[1] ?? '';
      const diagnosis = truth.get(name);
      if (!diagnosis) throw new Error(`image ${place} is ${name}, not one of the sample`);
      // The label keys work once the image's details (and so its label controls) are there.
      await expect.poll(() => dialog.getByRole('button', { name: 'Undo (U)' }).count()).toBe(1);
      await press(diagnosisKey(diagnosis).toLowerCase());
      await expect
        .poll(() => stored(name), { message: `the label of ${name}` })
        .toMatchObject({ diagnosis, melanoma: diagnosis === 'mel', confirmedBy: 'clinical' });
      labeled.push(name);
      if (place < IMAGES) await press('ArrowRight');
    }
    await press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    // 1 Enter + 1 Shift+L + 50 labels + 49 moves + 1 Esc = 102 keys, 2.04 per image.
    expect(keys).toHaveLength(2 + 2 * IMAGES);
    expect(keys.length / IMAGES).toBeLessThanOrEqual(2.2);
    expect(new Set(labeled).size).toBe(IMAGES);

    // Read from the file, not through the code under test: one row per image, each as keyed.
    const db = new Database(join(app.dataDir(), DATABASE_FILE), { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT i.original_name AS name, l.melanoma, l.diagnosis, l.confirmed_by AS confirmedBy,
                  l.labeled_by AS labeledBy
           FROM labels l JOIN images i ON i.id = l.image_id ORDER BY l.id`,
        )
        .all() as {
        name: string;
        melanoma: number;
        diagnosis: string;
        confirmedBy: string;
        labeledBy: string;
      }[];
      expect(rows).toHaveLength(IMAGES);
      expect(rows.map((r) => r.name).sort()).toEqual([...truth.keys()].sort());
      for (const row of rows) {
        const diagnosis = truth.get(row.name);
        expect(row).toEqual({
          name: row.name,
          melanoma: diagnosis === 'mel' ? 1 : 0,
          diagnosis,
          confirmedBy: 'clinical',
          labeledBy: 'dr-test',
        });
      }
    } finally {
      db.close();
    }
    expect(errors).toEqual([]);
    await page.context().close();
  }, 300_000);
});
