/**
 * The image view in a real Chromium against the real services (see harness.ts): zoom and pan of the
 * full image, the model's heatmap computed in a real model process, and the view at 125 % and 150 %.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/api/contract';
import { importFolders } from '../../src/main/importer/import-folders';
import { activeModel } from '../../src/main/model/artifacts/registry';
import { rankCurrent } from '../../src/main/triage/model-session';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { SCREENSHOT_DIR } from './harness';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';

const app = useAppOnLibrary(async (library) => {
  await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-0001', study: 'Visit', actor: 'e2e' });
  await rankCurrent(library);
});

/** The little of a canvas element the page-side code uses (the tests compile without the DOM's types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

const imageIdOf = (name: string): number =>
  app.library().db.prepare('SELECT id FROM images WHERE original_name = ?').pluck().get(name) as number;

/** Opens `name` from the queue; resolves once its details (and so the label keys) are there. */
async function openImage(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: `Open ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expect.poll(() => dialog.getByText(name).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect.poll(() => dialog.getByTestId('detail-probability').count(), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => zoomLevel(page)).not.toBeNull();
  return dialog;
}

/** The zoom the view reports, in percent of the image's pixels; null until the image has loaded. */
async function zoomLevel(page: Page): Promise<number | null> {
  const text = await page.getByTestId('zoom-level').textContent();
  const match = /^(\d+) %$/.exec(text ?? '');
  return match ? Number(match[1]) : null;
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error('the element is not shown');
  return found;
}

/** The point of the photograph (fractions of its width and height) at a point of the page. */
async function photoPointAt(page: Page, point: { x: number; y: number }): Promise<[number, number]> {
  const image = await box(page.getByAltText('The photograph'));
  return [(point.x - image.x) / image.width, (point.y - image.y) / image.height];
}

describe('image view', () => {
  it('zooms around the cursor with the wheel, pans by dragging, and steps with + − 0 and the buttons', async () => {
    const { page, errors } = await app
      .harness()
      .openApp(apiHandlersFor(app.library()), { viewport: { width: 1280, height: 860 } });
    const name = 'ISIC_0024307.jpg';
    const dialog = await openImage(page, name);
    const photo = page.getByAltText('The photograph');
    const fit = await box(photo);
    const fitLevel = (await zoomLevel(page)) as number;
    const viewport = await box(page.getByTestId('image-viewport'));
    // The whole image at fit: as wide or as tall as the viewport, inside it.
    expect(fit.width <= viewport.width + 0.5 && fit.height <= viewport.height + 0.5).toBe(true);
    expect(Math.max(fit.width / viewport.width, fit.height / viewport.height)).toBeCloseTo(1, 2);

    const cursor = { x: viewport.x + viewport.width * 0.3, y: viewport.y + viewport.height * 0.6 };
    const under = await photoPointAt(page, cursor);
    await page.mouse.move(cursor.x, cursor.y);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await box(photo)).width).toBeGreaterThan(fit.width * 1.5);
    const zoomed = await photoPointAt(page, cursor);
    expect(zoomed[0]).toBeCloseTo(under[0], 2);
    expect(zoomed[1]).toBeCloseTo(under[1], 2);
    expect(await zoomLevel(page)).toBeGreaterThan(fitLevel * 1.5);
    // The wheel zoomed the image; it did not scroll the dialog.
    expect(await dialog.locator('.MuiDialogContent-root').evaluate((e) => e.scrollTop)).toBe(0);

    const before = await box(photo);
    await page.mouse.down();
    await page.mouse.move(cursor.x - 60, cursor.y - 40, { steps: 5 });
    await page.mouse.up();
    const dragged = await box(photo);
    expect(dragged.x - before.x).toBeCloseTo(-60, 0);
    expect(dragged.y - before.y).toBeCloseTo(-40, 0);

    await page.keyboard.press('0');
    await expect.poll(() => zoomLevel(page)).toBe(fitLevel);
    expect(await box(photo)).toEqual(fit);
    await page.keyboard.press('+');
    await expect.poll(async () => (await box(photo)).width / fit.width).toBeCloseTo(1.25, 3);
    await page.keyboard.press('+');
    await page.keyboard.press('-');
    await expect.poll(async () => (await box(photo)).width / fit.width).toBeCloseTo(1.25, 3);
    await dialog.getByRole('button', { name: 'Zoom in (+)' }).click();
    await expect.poll(async () => (await box(photo)).width / fit.width).toBeCloseTo(1.5625, 3);
    await dialog.getByRole('button', { name: 'Zoom out (−)' }).click();
    await dialog.getByRole('button', { name: 'Zoom out (−)' }).click();
    await dialog.getByRole('button', { name: 'Zoom out (−)' }).click();
    // Never smaller than fit.
    await expect.poll(() => zoomLevel(page)).toBe(fitLevel);
    await page.keyboard.press('=');
    await dialog.getByRole('button', { name: 'Fit (0)' }).click();
    await expect.poll(() => zoomLevel(page)).toBe(fitLevel);

    // None of these keys labeled the image.
    expect(app.library().labels.history(imageIdOf(name))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws the active model’s heatmap on demand over the image, following zoom and pan', async () => {
    const { page, errors } = await app
      .harness()
      .openApp(apiHandlersFor(app.library()), { viewport: { width: 1280, height: 860 } });
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/image%3Aexplain') || request.url().includes('/image:explain'))
        asked.push(request.url());
    });
    const name = 'ISIC_0024310.jpg';
    const dialog = await openImage(page, name);
    const heatmap = dialog.getByTestId('heatmap');
    expect(await heatmap.count()).toBe(0);

    await page.keyboard.press('e');
    await expect.poll(() => heatmap.count(), { timeout: 30_000 }).toBe(1);
    expect(asked).toHaveLength(1);
    const photo = page.getByAltText('The photograph');
    expect(await box(heatmap)).toEqual(await box(photo));
    const model = activeModel(app.library()).record.version;
    const legend = await dialog.getByTestId('heatmap-legend').textContent();
    expect(legend).toContain(`model ${model}`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'image-heatmap.png') });

    // The picture is the map main sent (asked for again here): clear in its coolest cell, most opaque in
    // its hottest.
    const explanation = (await page.evaluate(
      (imageId) =>
        (
          globalThis as unknown as { api: { explainImage(r: { imageId: number }): Promise<unknown> } }
        ).api.explainImage({ imageId }),
      imageIdOf(name),
    )) as Explanation;
    expect(explanation.model).toBe(model);
    expect(legend).toContain(`${(100 * explanation.lowest).toFixed(1)} %`);
    expect(legend).toContain(`${(100 * explanation.highest).toFixed(1)} %`);
    const alphaAtCells = await heatmap.evaluate((element, cells) => {
      const canvas = element as unknown as Canvas;
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, width, height).data ?? [];
      const step = width / 7;
      return cells.map((_, i) => {
        const [row, column] = [Math.floor(i / 7), i % 7];
        const [x, y] = [Math.floor((column + 0.5) * step), Math.floor((row + 0.5) * step)];
        return pixels[(y * width + x) * 4 + 3] ?? -1;
      });
    }, explanation.cells);
    const order = (values: readonly number[]): number[] =>
      values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
    // Sampled a half pixel off the cell's centre, the coolest cell is all but clear.
    expect(alphaAtCells[order(explanation.cells)[0] as number]).toBeLessThanOrEqual(3);
    expect(Math.max(...alphaAtCells)).toBe(alphaAtCells[order(explanation.cells).at(-1) as number]);
    expect(Math.max(...alphaAtCells)).toBeGreaterThan(150);

    // It follows zoom and pan: the same box as the photograph.
    const viewport = await box(page.getByTestId('image-viewport'));
    await page.mouse.move(viewport.x + viewport.width * 0.7, viewport.y + viewport.height * 0.3);
    await page.mouse.wheel(0, -300);
    await page.mouse.down();
    await page.mouse.move(viewport.x + viewport.width * 0.6, viewport.y + viewport.height * 0.4, {
      steps: 4,
    });
    await page.mouse.up();
    expect(await box(heatmap)).toEqual(await box(photo));
    expect((await box(photo)).width).toBeGreaterThan(viewport.width);

    // Off and on again: the map is kept, not asked for twice; the key hint is on the button.
    await page.keyboard.press('e');
    await expect.poll(() => heatmap.count()).toBe(0);
    await dialog.getByRole('button', { name: 'Heatmap (E)' }).click();
    await expect.poll(() => heatmap.count()).toBe(1);
    expect(asked).toHaveLength(2);

    // Still on for the next image, whose own map is computed.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => asked.length, { timeout: 30_000 }).toBe(3);
    await expect.poll(() => heatmap.count(), { timeout: 30_000 }).toBe(1);
    expect(app.library().labels.history(imageIdOf(name))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sets the heatmap’s opacity with [ and ] and draws it as an outline with R', async () => {
    const { page, errors } = await app
      .harness()
      .openApp(apiHandlersFor(app.library()), { viewport: { width: 1280, height: 860 } });
    const dialog = await openImage(page, 'ISIC_0024306.jpg');
    await page.keyboard.press('e');
    const heatmap = dialog.getByTestId('heatmap');
    await expect.poll(() => heatmap.count(), { timeout: 30_000 }).toBe(1);
    const opacity = dialog.getByTestId('heatmap-opacity');
    /** The most opaque pixel of the drawn map, and the share of its pixels drawn at all. */
    const drawn = (): Promise<{ top: number; share: number }> =>
      heatmap.evaluate((element) => {
        const canvas = element as unknown as Canvas;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        let [top, count] = [0, 0];
        for (let i = 3; i < data.length; i += 4) {
          top = Math.max(top, data[i] as number);
          if ((data[i] as number) > 0) count++;
        }
        return { top, share: count / (data.length / 4) };
      });
    expect(await opacity.textContent()).toBe('65 %');
    const filled = await drawn();

    await page.keyboard.press(']');
    await expect.poll(() => opacity.textContent()).toBe('75 %');
    await expect.poll(async () => (await drawn()).top).toBeGreaterThan(filled.top);
    for (let i = 0; i < 8; i++) await page.keyboard.press('[');
    await expect.poll(() => opacity.textContent()).toBe('10 %');
    expect(await dialog.getByRole('button', { name: 'Fainter ([)' }).isDisabled()).toBe(true);
    await expect.poll(async () => (await drawn()).top).toBeLessThanOrEqual(Math.round(255 * 0.1));
    await dialog.getByRole('button', { name: 'Stronger (])' }).click();
    await expect.poll(() => opacity.textContent()).toBe('20 %');

    // An outline: lines only, a small share of what the fill covers, and the lesion left uncovered.
    await page.keyboard.press('r');
    await expect.poll(() => heatmap.getAttribute('data-mode')).toBe('outline');
    const outline = await drawn();
    expect(outline.share).toBeLessThan(filled.share / 3);
    expect(outline.share).toBeGreaterThan(0);
    await dialog.getByRole('button', { name: 'Outline (R)' }).click();
    await expect.poll(() => heatmap.getAttribute('data-mode')).toBe('fill');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says which image has no heatmap when its file cannot be read, and offers a retry', async () => {
    const { page } = await app
      .harness()
      .openApp(apiHandlersFor(app.library()), { viewport: { width: 1280, height: 860 } });
    const name = 'ISIC_0024308.jpg';
    const image = app.library().images.byId(imageIdOf(name));
    if (!image) throw new Error(`${name} is not in the library`);
    const stored = app.library().store.originalPath(image.sha256, image.format);
    const saved = join(app.dataDir(), 'saved.jpg');
    copyFileSync(stored, saved);
    try {
      const dialog = await openImage(page, name);
      writeFileSync(stored, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      await page.keyboard.press('e');
      const alert = dialog.getByRole('alert');
      await expect
        .poll(() => alert.textContent(), { timeout: 30_000 })
        .toContain(`The heatmap of ${name} could not be computed: image ${image.id} `);
      copyFileSync(saved, stored);
      await alert.getByRole('button', { name: 'Retry' }).click();
      await expect.poll(() => dialog.getByTestId('heatmap').count(), { timeout: 30_000 }).toBe(1);
      expect(await alert.count()).toBe(0);
    } finally {
      copyFileSync(saved, stored);
    }
    await page.context().close();
  });

  for (const zoom of [1.25, 1.5]) {
    it(`is usable at ${zoom * 100} % zoom: nothing clipped, no sideways scrolling, keys and buttons work`, async () => {
      // The app's window (1280 × 860) at this zoom: fewer, larger CSS pixels.
      const { page, errors } = await app.harness().openApp(apiHandlersFor(app.library()), {
        viewport: { width: Math.round(1280 / zoom), height: Math.round(860 / zoom) },
        deviceScaleFactor: zoom,
      });
      // Every screen's tab is in sight, or the bar has buttons that scroll it into sight.
      const width = page.viewportSize()?.width as number;
      const outOfSight = await page.evaluate(() => {
        type Rect = { x: number; y: number; width: number; height: number };
        type Node = { getBoundingClientRect(): Rect; contains(other: unknown): boolean; textContent: string };
        const { document } = globalThis as unknown as {
          document: {
            querySelectorAll(s: string): Iterable<Node>;
            elementFromPoint(x: number, y: number): unknown;
          };
        };
        return [...document.querySelectorAll('[role="tab"]')]
          .filter((tab) => {
            const r = tab.getBoundingClientRect();
            return !tab.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
          })
          .map((tab) => tab.textContent);
      });
      const scrollButtons = await page.locator('.MuiTabs-scrollButtons:not(.Mui-disabled)').count();
      expect({ outOfSight, scrollable: outOfSight.length === 0 || scrollButtons > 0 }).toEqual({
        outOfSight,
        scrollable: true,
      });
      const theme = await box(page.getByRole('button', { name: /theme$/ }));
      expect(theme.x + theme.width).toBeLessThanOrEqual(width);

      const name = 'ISIC_0024306.jpg';
      const dialog = await openImage(page, name);
      await page.keyboard.press('e');
      await expect.poll(() => dialog.getByTestId('heatmap').count(), { timeout: 30_000 }).toBe(1);

      // Nothing sticks out sideways: not the page, and nothing in the dialog but the zoomed photograph.
      const overflowing = await page.evaluate(() => {
        type Node = {
          scrollWidth: number;
          clientWidth: number;
          tagName: string;
          className: unknown;
          closest(selector: string): unknown;
        };
        const { document } = globalThis as unknown as {
          document: { documentElement: Node; querySelectorAll(selector: string): Iterable<Node> };
        };
        const wide = (e: Node): boolean => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1;
        return [document.documentElement, ...document.querySelectorAll('[role="dialog"] *')]
          .filter((e) => wide(e) && !e.closest('[data-testid="image-viewport"]'))
          .map((e) => `${e.tagName}.${String(e.className)} ${e.scrollWidth} > ${e.clientWidth}`);
      });
      expect(overflowing).toEqual([]);
      const paper = await box(dialog);
      // Every control can be scrolled to, lies inside the dialog and shows its whole label.
      const controls = dialog.locator('button, [role="combobox"], textarea:not([aria-hidden])');
      const count = await controls.count();
      expect(count).toBeGreaterThan(15);
      for (let i = 0; i < count; i++) {
        const control = controls.nth(i);
        await control.scrollIntoViewIfNeeded();
        const { x, width: w } = await box(control);
        const label = (await control.getAttribute('aria-label')) ?? (await control.textContent());
        expect({ label, inside: x >= paper.x - 0.5 && x + w <= paper.x + paper.width + 0.5 }).toEqual({
          label,
          inside: true,
        });
        expect(x + w).toBeLessThanOrEqual(width);
        const clipped = await control.evaluate(
          (e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
        );
        expect({ label, clipped }).toEqual({ label, clipped: false });
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, `image-${zoom * 100}.png`) });

      await page.keyboard.press('n');
      await expect.poll(() => app.library().labels.current(imageIdOf(name))?.melanoma).toBe(false);
      await dialog.getByRole('button', { name: 'Zoom in (+)' }).click();
      await expect.poll(() => zoomLevel(page)).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
