/**
 * The queue from the keyboard alone, in a real Chromium against the real services: focus starts on the
 * first card, the arrows and J/K move through the virtual grid (scrolling it, with only the cards in
 * view in the DOM), Enter opens, Esc comes back to the card, keys set the order and the filters, and
 * `?` lists every key of the key map.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { rankCurrent } from '../../src/main/triage/model-session';
import { KEYMAP } from '../../src/renderer/keyboard/keymap';
import { fillFromFixtures } from '../helpers/large-library';
import { expectAccessible } from './accessibility';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';
import { SCREENSHOT_DIR, type AppPage } from './harness';

/** Enough for rows far beyond the window: 60 rows of 5 at the harness's 1100 × 700 px. */
const ADDED = 300;
/** What a window of rows (a few in view, two above and two below) can hold at five columns. */
const MOST_CARDS_IN_DOM = 60;

let total = 0;
const app = useAppOnLibrary(async (empty) => {
  await fillFromFixtures(empty, { added: ADDED, patients: 3 });
  await rankCurrent(empty);
  total = empty.info().images;
});
const openApp = (): Promise<AppPage> => app.harness().openApp(apiHandlersFor(app.library()));

/** The queue place (from 1) of the card holding the page's focus, or null when no card has it. */
function focusedPlace(page: Page): Promise<number | null> {
  return page.evaluate(
    'Number(document.activeElement?.closest("[data-queue-index]")?.getAttribute("aria-posinset")) || null',
  );
}

/** The grid's columns, as it lays them out now. */
async function columns(page: Page): Promise<number> {
  const template = await page.locator('ol.queue-grid').evaluate((grid) => grid.getAttribute('style') ?? '');
  return Number(/repeat\((\d+),/.exec(template)?.[1]);
}

async function press(page: Page, key: string, place: number): Promise<void> {
  await page.keyboard.press(key);
  await expect.poll(() => focusedPlace(page), { message: `after ${key}` }).toBe(place);
}

describe('the queue from the keyboard', () => {
  it('starts on the first card, moves through the grid, opens with Enter and comes back with Esc', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => focusedPlace(page), { timeout: 30_000 }).toBe(1);
    const across = await columns(page);
    expect(across).toBeGreaterThan(1);

    await press(page, 'ArrowRight', 2);
    await press(page, 'j', 3);
    await press(page, 'k', 2);
    await press(page, 'ArrowDown', 2 + across);
    await press(page, 'ArrowUp', 2);
    await press(page, 'ArrowLeft', 1);
    await press(page, 'ArrowLeft', 1);

    // Far down the grid: the page scrolls, and still only the cards in view are in the DOM.
    await press(page, 'End', total);
    expect(await page.evaluate('window.scrollY')).toBeGreaterThan(10_000);
    expect(await page.getByTestId('queue-entry').count()).toBeLessThanOrEqual(MOST_CARDS_IN_DOM);
    await press(page, 'ArrowUp', total - across);

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText(`Image ${total - across} of ${total}`).count()).toBe(1);
    // Three images on in the image view: Esc comes back to that one's card, not the one opened.
    for (const _ of [1, 2, 3]) await page.keyboard.press('ArrowRight');
    await expect.poll(() => dialog.getByText(`Image ${total - across + 3} of ${total}`).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => focusedPlace(page)).toBe(total - across + 3);

    await press(page, 'Home', 1);
    expect(await page.evaluate('window.scrollY')).toBeLessThan(300);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('finds a card again after the mouse has scrolled it out of the DOM', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => focusedPlace(page), { timeout: 30_000 }).toBe(1);
    await press(page, 'ArrowRight', 2);
    await page.mouse.wheel(0, 20_000);
    await expect.poll(() => page.locator('[data-queue-index="1"]').count()).toBe(0);
    await press(page, 'ArrowRight', 3);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('dialog').getByText(`Image 3 of ${total}`).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('labels each card with its rank, probability, flag, label and patient', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => focusedPlace(page), { timeout: 30_000 }).toBe(1);
    const library = app.library();
    const model = library.models.active()!;
    const [first] = library.predictions.queue({
      order: 'probability',
      modelId: model.id,
      threshold: model.threshold,
      offset: 0,
      limit: 1,
    });
    const button = page.getByTestId('queue-entry').first().getByRole('button');
    // Its accessible name, as assistive technology computes it from the card's text.
    const name = /^- button "(.*)"/.exec(await button.ariaSnapshot())?.[1];
    const probability = `${(100 * first!.probability).toFixed(1)} %`;
    const label =
      first!.melanoma === null
        ? 'Unlabeled'
        : first!.melanoma
          ? 'Melanoma'
          : `Not melanoma (${first!.diagnosis})`;
    expect(name?.replace(/\s+/g, ' ').replace(/ ,/g, ',')).toBe(
      `Open ${first!.fileName}, rank 1. of ${total}, patient ${first!.patient} · ${first!.study}, ` +
        `melanoma probability ${probability}${first!.probability >= model.threshold ? ', Suspicious' : ''}, ${label}`,
    );
    // One Tab stop for the whole queue: the focused card.
    expect(await page.locator('.queue-card button[tabindex="0"]').count()).toBe(1);
    await expectAccessible(page, 'the ranked queue');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sets the order and the filters by key, and focuses the new queue', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => focusedPlace(page), { timeout: 30_000 }).toBe(1);
    const summary = page.getByTestId('queue-model');
    const unlabeled = total - app.library().info().labeledImages;
    await page.getByRole('button', { name: 'Label next' }).waitFor({ timeout: 10_000 });

    await page.keyboard.press('n');
    await expect.poll(() => summary.textContent()).toContain(`${unlabeled} image(s)`);
    expect(await page.getByRole('button', { name: 'Label next' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => focusedPlace(page)).toBe(1);
    await page.keyboard.press('r');
    await expect.poll(() => summary.textContent()).toContain(`${total} image(s)`);
    await page.keyboard.press('u');
    await expect.poll(() => summary.textContent()).toContain(`${unlabeled} image(s)`);
    const suspicious = app
      .library()
      .db.prepare('SELECT count(*) FROM predictions WHERE model_id = ? AND probability >= ?')
      .pluck()
      .get(app.library().models.active()!.id, app.library().models.active()!.threshold) as number;
    expect(suspicious).toBeGreaterThan(0);
    await page.keyboard.press('a');
    await expect.poll(() => summary.textContent()).toContain(`${total} image(s)`);
    await page.keyboard.press('s');
    await expect.poll(() => summary.textContent()).toContain(`${suspicious} image(s)`);
    await page.keyboard.press('s');
    await expect.poll(() => summary.textContent()).toContain(`${total} image(s)`);

    await page.keyboard.press('p');
    const patients = page.getByRole('listbox');
    await expect.poll(() => patients.getByRole('option', { name: 'P-0000' }).count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => patients.count()).toBe(0);
    const ofFirstPatient = await page.getByRole('combobox', { name: 'Patient' }).textContent();
    expect(ofFirstPatient).toMatch(/^P-\d{4}$/);
    await expect
      .poll(() => page.getByTestId('queue-entry').first().textContent())
      .toContain(`${ofFirstPatient} ·`);
    await expect.poll(() => focusedPlace(page)).toBe(1);
    // Esc closes the list with nothing chosen, and the keys work on the cards again.
    await press(page, 'ArrowRight', 2);
    await page.keyboard.press('p');
    await expect.poll(() => patients.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => patients.count()).toBe(0);
    await press(page, 'j', 3);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lists every key of the key map on ?, and closes on Esc', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => focusedPlace(page), { timeout: 30_000 }).toBe(1);
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keys' });
    await sheet.waitFor();
    for (const section of KEYMAP) {
      const rows = sheet.getByRole('table', { name: `Keys: ${section.screen}` }).getByRole('row');
      const texts = (await rows.allTextContents()).slice(1);
      expect(texts).toEqual(section.bindings.map((b) => `${b.keys}${b.action}`));
    }
    // The sheet's keys are its own: J does not move the queue beneath it.
    await page.keyboard.press('j');
    await expectAccessible(page, 'the key sheet');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'keys.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count()).toBe(0);
    await expect.poll(() => focusedPlace(page)).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
