/**
 * Labeling in the image view, in a real Chromium against the real services (see harness.ts): ground
 * truth that a keystroke cannot silently replace, what each save did with an Undo, the history in local
 * time, the diagnosis keys and the session's confirmation, and whose image it is always in view.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { importFolders } from '../../src/main/importer/import-folders';
import { rankCurrent } from '../../src/main/triage/model-session';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { expectAccessible } from './accessibility';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';

const STUDY_DATE = '2026-03-14';
const app = useAppOnLibrary(async (library) => {
  await importFolders(library, {
    folders: [HAM_FIXTURES],
    patient: 'P-0042',
    study: 'Dermoscopy visit',
    studyDate: STUDY_DATE,
    actor: 'e2e',
  });
  await rankCurrent(library);
});

const imageIdOf = (name: string): number =>
  app.library().db.prepare('SELECT id FROM images WHERE original_name = ?').pluck().get(name) as number;
const current = (name: string) => app.library().labels.current(imageIdOf(name));
const rows = (name: string) => app.library().labels.history(imageIdOf(name));

/** Opens `name` from the queue; resolves once its label controls (and so its keys) are there. */
async function openImage(page: Page, name: string): Promise<Locator> {
  const card = page.locator(`[data-testid="queue-entry"][data-image-id="${imageIdOf(name)}"]`);
  await card.getByRole('button').first().click();
  const dialog = page.getByRole('dialog');
  await expect.poll(() => dialog.getByText(name).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect.poll(() => dialog.getByRole('button', { name: 'Undo (U)' }).count()).toBe(1);
  return dialog;
}

/** The page's focused element lies inside `locator`. */
function holdsFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.contains(element.ownerDocument.activeElement));
}

/** Waits for the panel to show the saved label again after a save reloads it. */
async function settled(dialog: Locator): Promise<void> {
  await expect.poll(() => dialog.getByRole('button', { name: 'Undo (U)' }).isEnabled()).toBe(true);
}

describe('labeling in the image view', () => {
  it('asks before replacing confirmed ground truth: Esc keeps it, Enter replaces it, Undo puts it back', async () => {
    const name = 'ISIC_0024307.jpg';
    app.library().labels.add({
      imageId: imageIdOf(name),
      melanoma: true,
      diagnosis: 'mel',
      confirmedBy: 'histopathology',
      labeledBy: 'pathology report',
    });
    const { page, errors } = await app
      .harness()
      .openApp(apiHandlersFor(app.library()), { viewport: { width: 1280, height: 720 } });
    const dialog = await openImage(page, name);
    await expectAccessible(page, 'the image view of a labeled image', { include: '[role="dialog"]' });

    // N on a histopathology-confirmed melanoma: a question naming both labels, its Replace focused.
    await page.keyboard.press('n');
    const question = page.getByRole('alertdialog');
    await expect.poll(() => question.count()).toBe(1);
    expect(await question.getByTestId('overwrite-current').textContent()).toMatch(
      /melanoma.*histopathology/i,
    );
    expect(await question.getByTestId('overwrite-next').textContent()).toMatch(/not melanoma/i);
    await expect.poll(() => holdsFocus(question.getByRole('button', { name: /^Replace/ }))).toBe(true);
    await expectAccessible(page, 'the question before an overwrite', { include: '[role="alertdialog"]' });
    // The image view's keys are quiet while it asks: U (which would withdraw this first label) and an
    // arrow that could move do nothing, as is checked once the question is closed.
    // (The image's dialog is hidden from the accessibility tree meanwhile: asked of the page.)
    const place = (await page.getByTestId('image-position').textContent()) ?? '';
    await page.keyboard.press('u');
    await page.keyboard.press(place.startsWith('Image 1 of') ? 'ArrowRight' : 'ArrowLeft');

    await page.keyboard.press('Escape');
    await expect.poll(() => question.count()).toBe(0);
    // Esc closed the question only: the image stays open, with the focus back in it, nothing written.
    expect(await dialog.getByTestId('image-position').textContent()).toBe(place);
    expect(await holdsFocus(dialog)).toBe(true);
    expect(rows(name)).toHaveLength(1);
    expect(current(name)).toMatchObject({ melanoma: true, confirmedBy: 'histopathology' });

    // A weaker confirmation is asked about too.
    await page.keyboard.press('l');
    await expect.poll(() => question.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => question.count()).toBe(0);
    expect(rows(name)).toHaveLength(1);

    await page.keyboard.press('n');
    await expect.poll(() => question.count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => current(name)?.melanoma).toBe(false);
    await expect.poll(() => holdsFocus(dialog)).toBe(true);
    // The flip dropped the biopsy's confirmation: it confirmed melanoma, not its absence.
    expect(current(name)?.confirmedBy).toBeNull();
    const notice = dialog.getByTestId('saved-notice');
    await expect.poll(() => notice.textContent()).toMatch(/^Saved: not melanoma/i);
    await expectAccessible(page, 'the image view with its saved notice', { include: '[role="dialog"]' });

    await notice.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => current(name)?.melanoma).toBe(true);
    expect(current(name)).toMatchObject({ diagnosis: 'mel', confirmedBy: 'histopathology' });
    await expect.poll(() => notice.textContent()).toMatch(/^Undone: back to melanoma/i);
    // Append-only: the pathology's row, the replacement and the undo.
    expect(rows(name)).toHaveLength(3);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('picks diagnoses with the digits shown in the menu, and shows Melanoma after M', async () => {
    const name = 'ISIC_0024306.jpg';
    const { page, errors } = await app.harness().openApp(apiHandlersFor(app.library()));
    const dialog = await openImage(page, name);
    const diagnosis = dialog.getByRole('combobox', { name: 'Diagnosis' });

    // Keys pressed while the list of keys is open over the view label nothing.
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keys' });
    await expect.poll(() => sheet.count()).toBe(1);
    expect(await sheet.textContent()).toContain('Heatmap as an outline, or filled');
    await page.keyboard.press('m');
    await page.keyboard.press('1');
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count()).toBe(0);
    expect(rows(name)).toEqual([]);

    await page.keyboard.press('1');
    await expect.poll(() => current(name)).toMatchObject({ melanoma: false, diagnosis: 'nv' });
    await settled(dialog);
    await page.keyboard.press('3');
    await expect.poll(() => current(name)?.diagnosis).toBe('bcc');
    await settled(dialog);
    await expect.poll(() => diagnosis.textContent()).toBe('Basal cell carcinoma (3)');
    await diagnosis.click();
    const options = await page.getByRole('option').allTextContents();
    expect(options.slice(0, 4)).toEqual([
      'Melanoma (M)',
      'Nevus (1)',
      'Benign keratosis (2)',
      'Basal cell carcinoma (3)',
    ]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('option').count()).toBe(0);

    // M on a label that says not melanoma asks even without a confirmation; then the field says it.
    await dialog.locator('.MuiDialogContent-root').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('m');
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => current(name)).toMatchObject({ melanoma: true, diagnosis: 'mel' });
    await settled(dialog);
    await expect.poll(() => diagnosis.textContent()).toBe('Melanoma (M)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('records the session’s confirmation with one key, and groups quick edits in local time (dark theme)', async () => {
    const name = 'ISIC_0024308.jpg';
    const { page, errors } = await app.harness().openApp(apiHandlersFor(app.library()));
    // In the dark theme, whose selected toggles need their own shades to stay readable.
    await page.getByRole('button', { name: /dark theme$/i }).click();
    const dialog = await openImage(page, name);
    await page.keyboard.press('Shift+L');
    await expect
      .poll(() => dialog.getByTestId('session-confirmation').textContent())
      .toBe('Default: clinical');

    await page.keyboard.press('n');
    await expect.poll(() => current(name)).toMatchObject({ melanoma: false, confirmedBy: 'clinical' });
    await settled(dialog);
    await page.keyboard.press('f');
    await expect.poll(() => current(name)?.confirmedBy).toBe('follow-up');
    await settled(dialog);

    // Two rows in the library, one entry on screen that lists both steps.
    expect(rows(name)).toHaveLength(2);
    const history = dialog.getByRole('list', { name: 'Label history' });
    await expect.poll(() => history.getByRole('listitem').count()).toBe(1);
    const entry = (await history.textContent()) ?? '';
    expect(entry).toContain('2 edits');
    // Local date and time, never the stored UTC ISO text.
    const labeledAt = new Date(rows(name)[1]!.labeledAt);
    const localDay = labeledAt.toLocaleDateString('en-US', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
    });
    expect(entry).toContain(localDay);
    expect(await dialog.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);

    // The default holds for the session: on the next image, and after the view is closed and opened.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    const other = 'ISIC_0024310.jpg';
    const next = await openImage(page, other);
    expect(await next.getByTestId('session-confirmation').textContent()).toBe('Default: clinical');
    await page.keyboard.press('m');
    await expect.poll(() => current(other)).toMatchObject({ melanoma: true, confirmedBy: 'clinical' });
    // Shift + the same key again: no default.
    await settled(next);
    await expectAccessible(page, 'the image view of a melanoma, dark theme', { include: '[role="dialog"]' });
    await page.keyboard.press('Shift+L');
    await expect.poll(() => next.getByTestId('session-confirmation').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  for (const zoom of [1, 1.25]) {
    it(`keeps patient · study · date in view at 1280 × 720 and ${zoom * 100} % zoom, text 14 px or more`, async () => {
      const { page, errors } = await app.harness().openApp(apiHandlersFor(app.library()), {
        viewport: { width: Math.round(1280 / zoom), height: Math.round(720 / zoom) },
        deviceScaleFactor: zoom,
      });
      const name = 'ISIC_0024310.jpg';
      const dialog = await openImage(page, name);
      const identity = dialog.getByTestId('image-identity');
      const day = new Date(2026, 2, 14).toLocaleDateString('en-US', {
        month: 'short',
        day: 'numeric',
        year: 'numeric',
      });
      await expect.poll(() => identity.textContent()).toBe(`P-0042 · Dermoscopy visit · ${day}`);
      await page.keyboard.press('e');
      await expect.poll(() => dialog.getByTestId('heatmap').count(), { timeout: 30_000 }).toBe(1);
      await expectAccessible(page, 'the image view with its heatmap', { include: '[role="dialog"]' });

      // Scrolled to the end of the details, the title bar still shows whose image this is.
      const content = dialog.locator('.MuiDialogContent-root');
      await content.evaluate((element) => element.scrollTo(0, element.scrollHeight));
      expect(await content.evaluate((e) => e.scrollTop)).toBeGreaterThan(0);
      const seen = await identity.evaluate((element) => {
        const r = element.getBoundingClientRect();
        const view = element.ownerDocument.defaultView;
        const hit = element.ownerDocument.elementFromPoint(r.x + 4, r.y + r.height / 2);
        return {
          inWindow: r.top >= 0 && r.bottom <= (view?.innerHeight ?? 0) && r.width > 0,
          onTop: hit !== null && element.contains(hit),
        };
      });
      expect(seen).toEqual({ inWindow: true, onTop: true });

      // Every piece of text shown is 14 px or more as drawn (CSS px, after transforms such as a
      // floating label's scale; the zoom enlarges them further).
      const small = await dialog.evaluate((root) => {
        const view = root.ownerDocument.defaultView;
        const found: string[] = [];
        for (const element of root.querySelectorAll('*')) {
          const text = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
          const style = view?.getComputedStyle(element);
          if (!text || !style || style.visibility === 'hidden' || !(element instanceof view.HTMLElement))
            continue;
          // A scale shows as a drawn height unlike the laid-out one (which is rounded to whole px).
          const ratio =
            element.offsetHeight > 0 ? element.getBoundingClientRect().height / element.offsetHeight : 1;
          const size = parseFloat(style.fontSize) * (Math.abs(ratio - 1) > 0.05 ? ratio : 1);
          if (size < 14)
            found.push(`${element.tagName} ${size.toFixed(1)}px: ${element.textContent?.slice(0, 40)}`);
        }
        return found;
      });
      expect(small).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
