/**
 * The model screen in Chromium against the real services: after a real retraining the banner and the
 * comparison table quote the same figures from the candidate's stored file, the calibration change is
 * stated, dates are local, a deep retraining first asks, with the time estimated from the rate this
 * library measured (or says there is none), its bar agrees with its text, and axe-core finds nothing
 * serious in any of these states.
 */
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/api/jobs';
import { importFolders } from '../../src/main/importer/import-folders';
import { rankCurrent } from '../../src/main/triage/model-session';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
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
  const idOf = (name: string): number =>
    library.db.prepare('SELECT id FROM images WHERE original_name = ?').pluck().get(name) as number;
  library.labels.add({
    imageId: idOf('ISIC_0024306.jpg'),
    melanoma: false,
    diagnosis: 'nv',
    labeledBy: 'e2e',
  });
  library.labels.add({
    imageId: idOf('ISIC_0024310.jpg'),
    melanoma: true,
    diagnosis: 'mel',
    labeledBy: 'e2e',
  });
  await rankCurrent(library);
});

/** The page's getComputedStyle, for a function that runs there (this file is typed without the DOM). */
type Styled = { getComputedStyle(element: unknown): { fontSize: string } };

async function modelScreen(): Promise<AppPage> {
  let forward: (event: JobEvent) => void = () => undefined;
  const opened = await app.harness().openApp(apiHandlersFor(app.library(), { emit: (e) => forward(e) }));
  forward = opened.emit;
  await opened.page.getByRole('tab', { name: 'Model' }).click();
  await opened.page.getByTestId('model-report').waitFor({ timeout: 30_000 });
  return opened;
}

describe('the model screen', () => {
  it('quotes one set of figures in the banner and the table, with the calibration change and local dates', async () => {
    const { page, errors } = await modelScreen();
    await expectAccessible(page, 'the model screen');
    const versions = page.getByRole('table', { name: 'Model versions' });
    expect(await versions.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const chip = versions.locator('.MuiChip-label').first();
    expect(
      parseFloat(await chip.evaluate((e) => (globalThis as unknown as Styled).getComputedStyle(e).fontSize)),
    ).toBeGreaterThanOrEqual(14);

    await page.getByRole('button', { name: 'Retrain now' }).click();
    const outcome = page.getByTestId('retrain-outcome');
    const table = outcome.getByRole('table', { name: 'Candidate and parent' });
    await table.waitFor({ timeout: 120_000 });
    const banner = (await outcome.getByRole('alert').first().textContent()) ?? '';
    expect(banner).not.toMatch(/: (promoted|rejected):/);
    const [, candidateAuc, parentAuc] =
      /validation AUC (0\.\d{4}) (?:against|is below) (0\.\d{4})/.exec(banner) ?? [];
    const gate = table.getByRole('row', { name: /the promotion gate/ }).getByRole('cell');
    expect(await gate.allTextContents()).toEqual([candidateAuc, parentAuc]);
    expect(await table.locator('caption').textContent()).toMatch(
      /^Both models on the same \d+ validation images/,
    );
    expect(await outcome.getByTestId('calibration-change').textContent()).toMatch(
      /^Calibration (worsened|held or improved) \(ECE 0\.\d{3} → 0\.\d{3}, log loss \d\.\d{3} → \d\.\d{3}\)/,
    );
    await expectAccessible(page, 'the model screen after a retraining');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('logs no error when a retraining ends while the model screen is hidden', async () => {
    const { page, errors } = await modelScreen();
    await page.getByRole('button', { name: 'Retrain now' }).click();
    // The screen stays mounted but hidden (0 px wide) while the report reloads with the new version.
    await page.getByRole('tab', { name: 'Patients' }).click();
    await expect.poll(() => page.getByTestId('retrain-outcome').count(), { timeout: 120_000 }).toBe(1);
    await page.waitForTimeout(500);
    await page.getByRole('tab', { name: 'Model' }).click();
    await page
      .getByTestId('model-report')
      .getByText(/^ROC curve/)
      .waitFor();
    expect(await page.locator('[data-testid="model-report"] svg').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('asks before a deep retraining, saying plainly that no rate has been measured yet', async () => {
    const { page, errors } = await modelScreen();
    await page.getByRole('button', { name: 'Deep retrain…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a deep retraining?' });
    await expect
      .poll(() => dialog.getByTestId('deep-retrain-estimate').textContent())
      .toContain(
        'No deep retraining has finished in this library yet, so there is no rate measured on this machine',
      );
    await expectAccessible(page, 'the deep retraining dialog');
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.getByRole('status', { name: 'Retraining progress' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('estimates a deep retraining from the last one measured here, and its bar matches its text', async () => {
    // The library's record of a finished deep run: 100 s over the images its model's file counts.
    const library = app.library();
    const model = library.models.active()!;
    library.db
      .prepare(
        `INSERT INTO training_runs (model_id, kind, status, started_at, finished_at)
         VALUES (?, 'deep', 'completed', '2026-12-01T10:00:00.000Z', '2026-12-01T10:01:40.000Z')`,
      )
      .run(model.id);
    const { page, errors } = await modelScreen();
    await page.getByRole('button', { name: 'Deep retrain…' }).click();
    const estimate = page.getByRole('dialog').getByTestId('deep-retrain-estimate');
    await expect
      .poll(() => estimate.textContent())
      .toMatch(
        /^It goes through about [\d,]+ images and should take about \d+ (seconds|minutes), at the [\d.]+ images per second the last deep retraining measured on this machine \(/,
      );
    expect(await estimate.textContent()).not.toContain('2026-12-01T');
    await page.getByRole('button', { name: 'Start deep retraining' }).click();

    const status = page.getByRole('status', { name: 'Retraining progress' });
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/frozen part of the network: [\d,]+ of [\d,]+ images \([\d.]+ %\)/);
    const text = (await status.textContent()) ?? '';
    const bar = Number(await status.getByRole('progressbar').getAttribute('aria-valuenow'));
    const [, done, total] = /: ([\d,]+) of ([\d,]+) images/.exec(text) ?? [];
    const stated = (100 * Number(done?.replace(/,/g, ''))) / Number(total?.replace(/,/g, ''));
    // The bar may have moved on since the text was read, never back, and never far.
    expect(bar).toBeGreaterThanOrEqual(Math.floor(stated) - 1);
    expect(bar).toBeLessThanOrEqual(stated + 10);
    await expectAccessible(page, 'the model screen during a deep retraining');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByText('retrain cancelled').count(), { timeout: 60_000 }).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);
});
