/**
 * The app's flows in a real Chromium against the real services, through the test harness's loopback
 * bridge (see harness.ts): a real library in a temporary folder, real imports, real ranking.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiChannels } from '../../src/api/channels';
import { importFolders } from '../../src/main/importer/import-folders';
import { rankCurrent } from '../../src/main/triage/model-session';
import { HAM_FIXTURES, SHARED_HAM } from '../helpers/temp-dirs';
import type { JobEvent } from '../../src/api/jobs';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';
import { SCREENSHOT_DIR as screenshotDir, type Harness } from './harness';

const app = useAppOnLibrary(async (library) => {
  await importFolders(library, {
    folders: [HAM_FIXTURES],
    patient: 'P-0001',
    study: 'First visit',
    actor: 'e2e',
  });
  // By name: import decodes files concurrently, so image ids do not follow the file order.
  const labeledImage = library.db
    .prepare("SELECT id FROM images WHERE original_name = 'ISIC_0024306.jpg'")
    .pluck()
    .get() as number;
  library.labels.add({ imageId: labeledImage, melanoma: false, diagnosis: 'nv', labeledBy: 'e2e test' });
  await rankCurrent(library);
});
const openApp: Harness['openApp'] = (handlers, options) => app.harness().openApp(handlers, options);

describe('renderer', () => {
  it('has a loopback bridge that refuses calls, events and images without the page token', async () => {
    expect(new URL(app.harness().url).hostname).toBe('127.0.0.1');
    const { page } = await openApp(apiHandlersFor(app.library()));
    const channel = apiChannels.libraryInfo;
    const tokens: Record<string, string>[] = [{}, { 'x-bridge-token': 'not-the-token' }];
    for (const headers of tokens) {
      const call = await fetch(new URL(`__bridge/call/${channel}`, app.harness().url), {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(call.status).toBe(403);
    }
    for (const path of ['__bridge/events', '__images/thumb/1?token=guess']) {
      expect((await fetch(new URL(path, app.harness().url))).status).toBe(403);
    }
    await page.context().close();
  });

  it('bundles a preload that requires nothing but electron, as a sandboxed preload must', () => {
    const preload = readFileSync(join(app.harness().outDir, 'preload/index.js'), 'utf8');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
  });

  it('shows the open library: its folder, schema version and counts', async () => {
    const { page, errors } = await openApp(apiHandlersFor(app.library()));
    await page.getByRole('tab', { name: 'Library' }).click();
    const info = app.library().info();

    await expect.poll(() => page.getByTestId('data-dir').textContent()).toBe(info.dataDir);
    expect(info.dataDir).toBe(resolve(app.dataDir()));
    expect(await page.getByTestId('count-images').textContent()).toBe('4');
    expect(await page.getByTestId('count-labeled-images').textContent()).toBe('1');
    expect(await page.getByTestId('count-patients').textContent()).toBe('1');
    expect(await page.getByTestId('count-studies').textContent()).toBe('1');
    expect(await page.getByText(`Schema version ${info.schemaVersion}`).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Melanoma Triage' }).count()).toBe(1);

    await page.screenshot({ path: join(screenshotDir, 'library.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows an error, and recovers on retry, when the main process fails', async () => {
    let failing = true;
    const handlers = apiHandlersFor(app.library());
    const { page } = await openApp({
      ...handlers,
      libraryInfo: (request) => {
        if (failing) throw new Error('the library is locked by another process');
        return handlers.libraryInfo(request);
      },
    });

    await page.getByRole('tab', { name: 'Library' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('the library is locked by another process');
    expect(await alert.textContent()).toContain('Could not read the library');
    await page.screenshot({ path: join(screenshotDir, 'error.png') });

    failing = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.getByTestId('count-images').textContent()).toBe('4');
    await page.context().close();
  });

  it('shows the ranked queue with thumbnails, probabilities, flags and labels; "label next" hides labeled images', async () => {
    const { page, errors } = await openApp(apiHandlersFor(app.library()));
    const entries = page.getByTestId('queue-entry');
    await expect.poll(() => entries.count()).toBe(4);
    const probabilities = await page.getByTestId('probability').allTextContents();
    const values = probabilities.map((p) => Number.parseFloat(p));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const model = app.library().models.active()!;
    expect(await page.getByTestId('queue-model').textContent()).toContain(model.version);
    expect(await page.getByText('Not melanoma (nv)').count()).toBe(1);
    const suspicious = app
      .library()
      .db.prepare('SELECT count(*) FROM predictions WHERE model_id = ? AND probability >= ?')
      .pluck()
      .get(model.id, model.threshold) as number;
    expect(await page.getByText('Suspicious', { exact: true }).count()).toBe(suspicious);
    // Every thumbnail came through the image protocol and decoded.
    await expect
      .poll(() =>
        page.$$eval(
          'img',
          (images) =>
            images.filter((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0).length,
        ),
      )
      .toBe(4);
    await page.screenshot({ path: join(screenshotDir, 'queue.png') });

    await page.getByRole('button', { name: 'Label next' }).click();
    await expect.poll(() => entries.count()).toBe(3);
    expect(await page.getByText('Not melanoma (nv)').count()).toBe(0);

    await page.getByRole('button', { name: 'Most suspicious first' }).click();
    await page.getByRole('combobox', { name: 'Label' }).click();
    await page.getByRole('option', { name: 'not melanoma' }).click();
    await expect.poll(() => entries.count()).toBe(1);
    expect(await page.getByText('Not melanoma (nv)').count()).toBe(1);
    await page.getByRole('combobox', { name: 'Diagnosis' }).click();
    await page.getByRole('option', { name: 'bcc' }).click();
    await expect.poll(() => entries.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens an image and labels it from the keyboard, saved at once, with undo and next', async () => {
    const { page, errors } = await openApp(apiHandlersFor(app.library()));
    const entries = page.getByTestId('queue-entry');
    await expect.poll(() => entries.count()).toBe(4);
    // The most suspicious image nobody has labeled yet; where it stands depends on the model.
    const ids = await entries.evaluateAll((cards) =>
      cards.map((c) => Number(c.getAttribute('data-image-id'))),
    );
    const imageId = Number(
      await entries.filter({ hasText: 'Unlabeled' }).first().getAttribute('data-image-id'),
    );
    const rank = ids.indexOf(imageId) + 1;
    const first = page.locator(`[data-testid="queue-entry"][data-image-id="${imageId}"]`);
    await first.getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText(`Image ${rank} of 4`).count()).toBe(1);
    // The keys work once the image's details (and with them the label controls) have loaded.
    await expect.poll(() => dialog.getByText('Not labeled yet.').count(), { timeout: 10_000 }).toBe(1);
    const history = dialog.getByRole('list', { name: 'Label history' });

    // Undoing the first label leaves the image unlabeled again; the history keeps both rows.
    await page.keyboard.press('n');
    await expect.poll(() => history.textContent()).toContain('Not melanoma');
    expect(app.library().labels.current(imageId)?.melanoma).toBe(false);
    await page.keyboard.press('u');
    await expect.poll(() => history.textContent()).toContain('Withdrawn: Not melanoma');
    expect(app.library().labels.current(imageId)).toBeUndefined();
    expect(
      app
        .library()
        .labels.history(imageId)
        .map((l) => l.withdrawn),
    ).toEqual([false, true]);

    await page.keyboard.press('m');
    await expect.poll(() => history.textContent()).toContain('Melanoma');
    await page.keyboard.press('h');
    await expect.poll(() => history.textContent()).toContain('Melanoma, histopathology');
    expect(app.library().labels.current(imageId)).toMatchObject({
      melanoma: true,
      diagnosis: 'mel',
      confirmedBy: 'histopathology',
      labeledBy: 'dr-test',
    });
    await page.screenshot({ path: join(screenshotDir, 'image.png') });

    await page.keyboard.press('u');
    await expect.poll(() => app.library().labels.current(imageId)?.confirmedBy).toBeNull();
    expect(app.library().labels.history(imageId)).toHaveLength(5);

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => dialog.getByText(`Image ${rank + 1} of 4`).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => first.getByText('Melanoma', { exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('imports a chosen folder with progress, reports the failed file, and ranks the new images', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'triage-e2e-photos-'));
    for (const name of ['ISIC_0024311.jpg', 'ISIC_0024312.jpg']) {
      copyFileSync(join(SHARED_HAM, 'images', name), join(folder, name));
    }
    writeFileSync(join(folder, 'notes.jpg'), 'not a photograph');
    let forward: (event: JobEvent) => void = () => undefined;
    const { page, errors, emit } = await openApp(
      apiHandlersFor(app.library(), { emit: (e) => forward(e), folders: [folder] }),
    );
    forward = emit;

    await page.getByRole('tab', { name: 'Import' }).click();
    await page.getByRole('button', { name: 'Choose folders…' }).click();
    await expect.poll(() => page.getByTestId('import-folders').textContent()).toContain(folder);
    await page.getByLabel('Patient id').fill('P-0002');
    await page.getByLabel('Create patient P-0002').check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.textContent(), { timeout: 60_000 }).toContain('2 imported');
    expect(await report.textContent()).toContain('1 failed');
    expect(await report.getByText(join(folder, 'notes.jpg')).count()).toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'import.png') });

    await page.getByRole('tab', { name: 'Triage queue' }).click();
    await expect.poll(() => page.getByTestId('queue-entry').count()).toBe(6);
    expect(errors).toEqual([]);
    await page.context().close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('shows the model report, retrains with progress and a decision beside the parent, and rolls back', async () => {
    let forward: (event: JobEvent) => void = () => undefined;
    const { page, errors, emit } = await openApp(apiHandlersFor(app.library(), { emit: (e) => forward(e) }));
    forward = emit;
    const before = app.library().models.active()!.version;

    await page.getByRole('tab', { name: 'Model' }).click();
    const report = page.getByTestId('model-report');
    await expect.poll(() => report.textContent(), { timeout: 30_000 }).toContain(before);
    expect(await report.getByText(/^ROC curve \(AUC 0\.\d{3}\)$/).count()).toBe(1);
    expect(await report.getByRole('table', { name: 'Confusion matrix' }).count()).toBe(1);
    // The shipped model was fine-tuned: its learning curve has the validation ROC AUC it stopped on.
    expect(await report.getByText('validation ROC AUC').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 })
      .toBe('Backend: wasm');
    await page.screenshot({ path: join(screenshotDir, 'model.png'), fullPage: true });

    await page.getByRole('button', { name: 'Retrain now' }).click();
    const outcome = page.getByTestId('retrain-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 120_000 }).toMatch(/(Promoted|Rejected) head-/);
    await expect.poll(() => outcome.getByRole('table', { name: 'Candidate and parent' }).count()).toBe(1);
    expect(await outcome.textContent()).toContain(`parent ${before}`);
    await page.screenshot({ path: join(screenshotDir, 'retrain.png'), fullPage: true });

    const versions = page.getByRole('table', { name: 'Model versions' });
    await expect.poll(() => versions.getByRole('row').count()).toBe(3);
    if (app.library().models.active()!.version !== before) {
      await versions
        .getByRole('row', { name: new RegExp(before) })
        .getByRole('button', { name: 'Roll back to this' })
        .click();
      await expect
        .poll(() => page.getByText(`${before} is active again`, { exact: false }).count(), {
          timeout: 60_000,
        })
        .toBe(1);
    }
    expect(app.library().models.active()!.version).toBe(before);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('starts a deep retraining that reports its steps, and cancels it leaving the model as it was', async () => {
    let forward: (event: JobEvent) => void = () => undefined;
    const { page, errors, emit } = await openApp(apiHandlersFor(app.library(), { emit: (e) => forward(e) }));
    forward = emit;
    const before = app.library().models.active()!.version;
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByRole('button', { name: 'Deep retrain…' }).click();
    await page.getByRole('button', { name: 'Start deep retraining' }).click();
    const status = page.getByRole('status', { name: 'Retraining progress' });
    // The photographs (shipped, labeled, and their augmented copies) go through the frozen part first.
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/Running images through the frozen part of the network: [\d,]+ of [\d,]+ images/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByText('retrain cancelled').count(), { timeout: 60_000 }).toBe(1);
    expect(app.library().models.active()!.version).toBe(before);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('changes settings with main validating each, and switches to the dark theme', async () => {
    const { page, errors } = await openApp(apiHandlersFor(app.library()));
    await page.getByRole('tab', { name: 'Settings' }).click();
    const sensitivity = page.getByLabel('Target sensitivity', { exact: true });
    await sensitivity.fill('0.3');
    await sensitivity.blur();
    await expect
      .poll(() => page.getByText('targetSensitivity must be a number from 0.5 to 0.999').count())
      .toBe(1);
    expect(app.library().settings.get('targetSensitivity')).toBe(0.95);
    await sensitivity.fill('0.97');
    await sensitivity.blur();
    await expect.poll(() => app.library().settings.get('targetSensitivity')).toBe(0.97);
    // The library has it as soon as main saved it; the field clears its error when the answer arrives.
    await expect.poll(() => page.getByText(/must be a number/).count()).toBe(0);
    app.library().settings.set('targetSensitivity', 0.95);

    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.getByRole('tab', { name: 'Triage queue' }).click();
    await expect.poll(() => page.getByTestId('queue-entry').count()).toBeGreaterThan(0);
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(18, 18, 18)');
    await page.screenshot({ path: join(screenshotDir, 'queue-dark.png') });
    // Console errors from the refused value are the app reporting it, not a failure of the page.
    expect(errors.filter((e) => !e.includes('targetSensitivity must be'))).toEqual([]);
    await page.context().close();
  });

  it('lists patients with their counts, adds one and renames it', async () => {
    const { page, errors } = await openApp(apiHandlersFor(app.library()));
    await page.getByRole('tab', { name: 'Patients' }).click();
    const patients = page.getByRole('table', { name: 'Patients' });
    await expect.poll(() => patients.getByRole('row', { name: /P-0001/ }).count()).toBe(1);
    await page.getByLabel('New patient id').fill('P-0100');
    await page.getByRole('button', { name: 'Add patient' }).click();
    await expect.poll(() => patients.getByRole('row', { name: /P-0100/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Rename P-0100' }).click();
    await page.getByLabel('New name for P-0100').fill('P-0101');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => patients.getByRole('row', { name: /P-0101/ }).count()).toBe(1);
    expect(
      app
        .library()
        .patients.listPatients()
        .map((p) => p.code),
    ).toContain('P-0101');
    await patients.getByRole('row', { name: /P-0001/ }).click();
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: 'Studies' })
          .getByRole('row', { name: /First visit/ })
          .count(),
      )
      .toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'patients.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
