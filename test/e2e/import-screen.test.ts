/**
 * The import screen in Chromium against the real services: a patient is picked from the library's or
 * created only when asked, the study date is stored, the result is coloured by its outcome, another
 * patient's photograph is a warning naming both, and the study's images open in the queue. Each state
 * is checked with axe-core.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/api/jobs';
import { importFolders } from '../../src/main/importer/import-folders';
import { WriterLock } from '../../src/main/library/writer-lock';
import { HAM_FIXTURES, SHARED_HAM } from '../helpers/temp-dirs';
import { expectAccessible } from './accessibility';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';
import type { AppPage } from './harness';

const app = useAppOnLibrary(async (library) => {
  await importFolders(library, {
    folders: [HAM_FIXTURES],
    patient: 'P-0001',
    study: 'First visit',
    actor: 'e2e',
  });
});

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((f) => rmSync(f, { recursive: true, force: true })));

/** The library holds the fixtures; these photographs are new to it. */
const NEW_PHOTOS = join(SHARED_HAM, 'images');

/** A folder of copies of these photographs (renamed, so only their bytes match) and of broken files. */
function photoFolder(photos: string[], broken: string[] = [], from = HAM_FIXTURES): string {
  const folder = mkdtempSync(join(tmpdir(), 'triage-e2e-import-'));
  folders.push(folder);
  photos.forEach((name) => copyFileSync(join(from, name), join(folder, `copy-${name}`)));
  broken.forEach((name) => writeFileSync(join(folder, name), 'not a photograph'));
  return folder;
}

/** The import screen, its folder dialog answering `folder`, job events forwarded to the page. */
async function importScreen(folder: string): Promise<AppPage> {
  let forward: (event: JobEvent) => void = () => undefined;
  const opened = await app
    .harness()
    .openApp(apiHandlersFor(app.library(), { emit: (e) => forward(e), folders: [folder] }));
  forward = opened.emit;
  await opened.page.getByRole('tab', { name: 'Import' }).click();
  await opened.page.getByRole('button', { name: 'Choose folders…' }).click();
  await expect.poll(() => opened.page.getByTestId('import-folders').textContent()).toContain(folder);
  return opened;
}

async function reportOf({ page }: AppPage): Promise<{ outcome: string | null; text: string }> {
  const report = page.getByTestId('import-report');
  await report.waitFor({ timeout: 60_000 });
  return { outcome: await report.getAttribute('data-outcome'), text: (await report.textContent()) ?? '' };
}

describe('the import screen', () => {
  it('creates a patient only when asked, stores the study date, and opens the study in the queue', async () => {
    const folder = photoFolder(['ISIC_0024311.jpg', 'ISIC_0024312.jpg'], ['notes.jpg'], NEW_PHOTOS);
    const screen = await importScreen(folder);
    const { page, errors } = screen;
    await page.getByLabel('Patient id').fill('P-0O01');
    await expect.poll(() => page.getByText('No patient P-0O01 in the library').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await expectAccessible(page, 'the import screen with an unknown patient');

    await page.getByLabel('Create patient P-0O01').check();
    await page.getByLabel('Study date').fill('2026-03-14');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = await reportOf(screen);
    expect(report.outcome).toBe('partial');
    expect(report.text).toContain('Import finished with failures');
    expect(report.text).toContain('2 imported');
    expect(await page.locator('[data-outcome="partial"] .MuiAlert-colorWarning').count()).toBe(1);
    expect(app.library().patients.listStudies('P-0O01')).toMatchObject([
      { name: basename(folder), studyDate: '2026-03-14', images: 2 },
    ]);
    await expectAccessible(page, 'the import report with a failed file');

    await page.getByRole('button', { name: 'Open this study’s images' }).click();
    await expect.poll(() => page.getByTestId('queue-entry').count()).toBe(2);
    expect(await page.getByTestId('queue-entry').first().textContent()).toContain('P-0O01');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('picks an existing patient by typing, and warns that a photograph is stored for another patient', async () => {
    app.library().patients.ensurePatient('P-0002');
    const folder = photoFolder(['ISIC_0024306.jpg']);
    const screen = await importScreen(folder);
    const { page, errors } = screen;
    await page.getByLabel('Patient id').fill('P-00');
    await page.getByRole('option', { name: 'P-0002' }).click();
    expect(await page.getByLabel('Patient id').inputValue()).toBe('P-0002');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = await reportOf(screen);
    expect(report.outcome).toBe('warnings');
    expect(report.text).toContain('Import finished with warnings');
    const copy = join(folder, 'copy-ISIC_0024306.jpg');
    expect(report.text).toContain(
      `${copy}, imported for patient P-0002, is the same photograph as ${join(HAM_FIXTURES, 'ISIC_0024306.jpg')} ` +
        'of patient P-0001: check that the two patients are not mixed up',
    );
    await expectAccessible(page, 'the import report with a cross-patient warning');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says in words that the library is busy when another process retrains, and imports nothing', async () => {
    const screen = await importScreen(photoFolder(['ISIC_0024311.jpg'], [], NEW_PHOTOS));
    const { page, errors } = screen;
    const before = app.library().db.prepare('SELECT count(*) FROM images').pluck().get();
    // Another process's retraining, as far as the library can tell: the lock file names this live pid.
    const held = new WriterLock(app.dataDir()).acquire('retraining');
    try {
      await page.getByLabel('Patient id').fill('P-0001');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'The library is busy' });
      await expect
        .poll(() => alert.textContent(), { timeout: 30_000 })
        .toContain('The library is busy with a retraining; try again when it ends.');
      const detail = alert.getByText(/^library busy: retraining running since \S+ \(pid \d+/);
      expect(await detail.isVisible()).toBe(false);
      await alert.getByText('Technical detail').click();
      expect(await detail.isVisible()).toBe(true);
      await expectAccessible(page, 'the import screen refused by a busy library');
    } finally {
      held.release();
    }
    expect(app.library().db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(before);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows an import in which every file failed as failed, in red', async () => {
    const screen = await importScreen(photoFolder([], ['a.jpg', 'b.png']));
    const { page, errors } = screen;
    await page.getByLabel('Patient id').fill('P-0001');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = await reportOf(screen);
    expect(report.outcome).toBe('failed');
    expect(report.text).toContain('Import failed');
    expect(await page.locator('[data-outcome="failed"] .MuiAlert-colorError').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Open this study’s images' }).count()).toBe(0);
    await expectAccessible(page, 'the failed import report');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
