/**
 * The triage queue of a library too long to render whole, in a real Chromium against the real services
 * (see harness.ts): only the cards in view are in the DOM, pages arrive as the queue scrolls, and the
 * last image can be reached, opened and stepped through from the keyboard.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Library } from '../../src/main/library';
import type { QueueFilter } from '../../src/main/library/predictions';
import { rankCurrent } from '../../src/main/triage/model-session';
import { fillFromFixtures } from '../helpers/large-library';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';
import { SCREENSHOT_DIR, type AppPage } from './harness';

/** Far more cards than fit in a window: 1,000 rows of 3 to 5 at the test's 1100 × 700 px. */
const ADDED = 3000;
/** What a window of rows (a few in view, two above and two below) can hold at five columns. */
const MOST_CARDS_IN_DOM = 60;

let total = 0;
const app = useAppOnLibrary(async (empty) => {
  await fillFromFixtures(empty, { added: ADDED, patients: 30 });
  // The real model embeds the four imported photographs and scores every image.
  await rankCurrent(empty);
  total = empty.info().images;
});
const library = (): Library => app.library();
const openApp = (): Promise<AppPage> => app.harness().openApp(apiHandlersFor(library()));

/** The image at `index` of the queue, asked of the library directly. */
function imageAt(index: number, filter: QueueFilter & { order: 'probability' | 'uncertainty' }): number {
  const model = library().models.active()!;
  const [entry] = library().predictions.queue({
    ...filter,
    modelId: model.id,
    threshold: model.threshold,
    offset: index,
    limit: 1,
  });
  return entry!.imageId;
}

/** The places in the queue (from 1) of the cards and placeholders in the DOM, top to bottom. */
function placesInDom(page: Page): Promise<number[]> {
  return page
    .locator('[data-testid="queue-entry"], [data-testid="queue-placeholder"]')
    .evaluateAll((cards) => cards.map((card) => Number(card.getAttribute('aria-posinset'))));
}

/** The little of the page's window the tests use (they compile without the DOM's types). */
interface PageWindow {
  scrollTo(x: number, y: number): void;
  innerHeight: number;
  performance: { getEntriesByType(type: string): Array<{ name: string }> };
  document: { documentElement: { scrollHeight: number } };
}

/** Scrolls the window to `fraction` of the page's height, as a drag of the scrollbar would. */
async function scrollTo(page: Page, fraction: number): Promise<void> {
  await page.evaluate((f) => {
    const window = globalThis as unknown as PageWindow;
    window.scrollTo(0, f * window.document.documentElement.scrollHeight);
  }, fraction);
}

describe('the queue of a long list', () => {
  it('keeps only the cards in view in the DOM, and scrolls to the very last image', async () => {
    const { page, errors } = await openApp();
    const model = page.getByTestId('queue-model');
    await expect.poll(() => model.textContent(), { timeout: 30_000 }).toContain(`${total} image(s)`);
    const entries = page.getByTestId('queue-entry');
    await expect.poll(() => entries.count()).toBeGreaterThan(0);
    const first = await placesInDom(page);
    expect(first[0]).toBe(1);
    expect(first.length).toBeLessThanOrEqual(MOST_CARDS_IN_DOM);
    expect(await entries.first().getAttribute('data-image-id')).toBe(
      String(imageAt(0, { order: 'probability' })),
    );
    // Every thumbnail in view came through the image protocol and decoded.
    await expect
      .poll(() =>
        entries.evaluateAll(
          (cards) =>
            cards.filter((card) => (card.querySelector('img')?.naturalWidth ?? 0) > 0).length ===
            cards.length,
        ),
      )
      .toBe(true);

    for (const fraction of [0.35, 0.7]) {
      await scrollTo(page, fraction);
      await expect
        .poll(async () => (await placesInDom(page))[0] ?? 0)
        .toBeGreaterThan(fraction * total * 0.9);
      const places = await placesInDom(page);
      expect(places.length).toBeLessThanOrEqual(MOST_CARDS_IN_DOM);
      // One unbroken run of the queue, in order.
      expect(places).toEqual(places.map((_, i) => places[0]! + i));
    }

    await scrollTo(page, 1);
    const last = page.locator(`[data-testid="queue-entry"][aria-posinset="${total}"]`);
    await expect.poll(() => last.count(), { timeout: 10_000 }).toBe(1);
    expect(await last.getAttribute('data-image-id')).toBe(
      String(imageAt(total - 1, { order: 'probability' })),
    );
    expect(await last.textContent()).toContain(`${total}.`);
    expect((await placesInDom(page)).length).toBeLessThanOrEqual(MOST_CARDS_IN_DOM);
    expect(await page.locator('[data-testid="queue-placeholder"]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'queue-end.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('asks for its first page once, as the window opens, with each thumbnail in view fetched once, then shows its controls', async () => {
    const { page, errors } = await openApp();
    const entries = page.getByTestId('queue-entry');
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // The order and filters load once the first page is painted.
    await page.getByRole('combobox', { name: 'Label' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'Label next' }).isVisible()).toBe(true);
    const fetched = await page.evaluate(() =>
      (globalThis as unknown as PageWindow).performance
        .getEntriesByType('resource')
        .map((entry) => new URL(entry.name).pathname),
    );
    // The app's own code did not ask again for the page the window's first script had asked for.
    expect(fetched.filter((path) => path.startsWith('/__bridge/call/queue'))).toEqual([
      '/__bridge/call/queue%3Apage',
    ]);
    const thumbnails = fetched.filter((path) => path.startsWith('/__images/thumb/'));
    expect(new Set(thumbnails).size).toBe(thumbnails.length);
    const inView = await entries.evaluateAll((cards) =>
      cards
        .filter(
          (card) => card.getBoundingClientRect().top < (globalThis as unknown as PageWindow).innerHeight,
        )
        .map((card) => `/__images/thumb/${card.getAttribute('data-image-id')}`),
    );
    expect(inView.length).toBeGreaterThan(0);
    expect(thumbnails).toEqual(expect.arrayContaining(inView));
    expect(errors).toEqual([]);
  });

  it('opens the last image from the keyboard and steps back across a page boundary', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => page.getByTestId('queue-entry').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await scrollTo(page, 1);
    const last = page.locator(`[data-testid="queue-entry"][aria-posinset="${total}"]`);
    await expect.poll(() => last.count(), { timeout: 10_000 }).toBe(1);
    await last.getByRole('button').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText(`Image ${total} of ${total}`).count()).toBe(1);
    // The queue pages hold 100 entries: stepping back 5 from the last crosses into the page before.
    for (let step = 1; step <= 5; step++) {
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => dialog.getByText(`Image ${total - step} of ${total}`).count()).toBe(1);
    }
    const shown = imageAt(total - 6, { order: 'probability' });
    const fileName = library().images.byId(shown)!.originalName;
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toContain(fileName);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('filters by a patient and one of their studies, listed when first needed', async () => {
    const { page, errors } = await openApp();
    const model = page.getByTestId('queue-model');
    await expect.poll(() => model.textContent(), { timeout: 30_000 }).toContain(`${total} image(s)`);
    await page.getByRole('combobox', { name: 'Patient' }).click();
    await page.getByRole('option', { name: 'P-0007' }).click();
    const count = (sql: string, ...values: unknown[]): number =>
      library()
        .db.prepare(sql)
        .pluck()
        .get(...values) as number;
    const ofPatient = count(
      `SELECT count(*) FROM images i JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id
       WHERE p.code = 'P-0007'`,
    );
    await expect.poll(() => model.textContent()).toContain(`${ofPatient} image(s)`);
    await page.getByRole('combobox', { name: 'Study' }).click();
    await page.getByRole('option', { name: 'follow-up' }).click();
    const study = count(
      `SELECT s.id FROM studies s JOIN patients p ON p.id = s.patient_id WHERE p.code = 'P-0007' AND s.name = 'follow-up'`,
    );
    const ofStudy = count('SELECT count(*) FROM images WHERE study_id = ?', study);
    expect(ofStudy).toBeLessThan(ofPatient);
    await expect.poll(() => model.textContent()).toContain(`${ofStudy} image(s)`);
    expect(await page.getByTestId('queue-entry').first().textContent()).toContain('P-0007 · follow-up');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('starts afresh from the top when the order changes, with only the unlabeled images', async () => {
    const { page, errors } = await openApp();
    await expect.poll(() => page.getByTestId('queue-entry').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await scrollTo(page, 0.5);
    await expect.poll(async () => (await placesInDom(page))[0] ?? 0).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Label next' }).click();
    const unlabeled = total - library().info().labeledImages;
    await expect
      .poll(() => page.getByTestId('queue-model').textContent(), { timeout: 30_000 })
      .toContain(`${unlabeled} image(s)`);
    await scrollTo(page, 0);
    const first = page.locator('[data-testid="queue-entry"][aria-posinset="1"]');
    await expect.poll(() => first.count()).toBe(1);
    expect(await first.getAttribute('data-image-id')).toBe(
      String(imageAt(0, { order: 'uncertainty', labeled: false })),
    );
    expect(await page.getByText('Unlabeled', { exact: true }).count()).toBe(
      await page.getByTestId('queue-entry').count(),
    );
    await scrollTo(page, 1);
    const last = page.locator(`[data-testid="queue-entry"][aria-posinset="${unlabeled}"]`);
    await expect.poll(() => last.count(), { timeout: 10_000 }).toBe(1);
    expect(await last.getAttribute('data-image-id')).toBe(
      String(imageAt(unlabeled - 1, { order: 'uncertainty', labeled: false })),
    );
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
