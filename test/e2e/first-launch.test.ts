/**
 * The window on an empty library, as on a first launch, the theme across launches, and a failed call
 * explained in words: in a real Chromium against the real services on a real, empty library.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WriterLock } from '../../src/main/library/writer-lock';
import { expectAccessible } from './accessibility';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';
import { SCREENSHOT_DIR, type AppPage, type OpenOptions } from './harness';

const app = useAppOnLibrary();
const openApp = (options?: OpenOptions): Promise<AppPage> =>
  app.harness().openApp(apiHandlersFor(app.library()), options);

const DARK_BACKGROUND = 'rgb(18, 18, 18)';
const LIGHT_BACKGROUND = 'rgb(255, 255, 255)';

describe('a first launch', () => {
  it('says what the app does and does not do, and its Import button, focused, leads to the import screen', async () => {
    const { page, errors } = await openApp();
    const empty = page.getByTestId('empty-library');
    await empty.waitFor({ timeout: 30_000 });
    const text = await empty.textContent();
    expect(text).toContain(
      'ranks skin photographs by their probability of melanoma, computed on this machine',
    );
    expect(text).toContain('It does not diagnose: the dermatologist decides');
    expect(text).toContain('Nothing leaves this computer');
    const importButton = empty.getByRole('button', { name: 'Import photographs' });
    await importButton.waitFor();
    await expectAccessible(page, 'the empty library');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-launch.png') });
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Import photographs');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('tab', { name: 'Import' }).getAttribute('aria-selected'))
      .toBe('true');
    expect(await empty.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens in the theme last chosen on the same profile, and a new profile in the light one', async () => {
    const first = await openApp();
    await first.page.getByTestId('empty-library').waitFor({ timeout: 30_000 });
    const background = (page: AppPage['page']): Promise<unknown> =>
      page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(await background(first.page)).toBe(LIGHT_BACKGROUND);
    await first.page.getByRole('button', { name: 'Dark theme' }).click();
    await expect.poll(() => background(first.page)).toBe(DARK_BACKGROUND);
    await expectAccessible(first.page, 'the empty library, dark');
    // The profile: what the window stored, as Electron keeps it in the app's folder between launches.
    const profile = await first.page.context().storageState();
    await first.page.context().close();

    const again = await openApp({ storageState: profile, colorScheme: 'light' });
    await again.page.getByTestId('empty-library').waitFor({ timeout: 30_000 });
    expect(await background(again.page)).toBe(DARK_BACKGROUND);
    expect(await again.page.getByRole('button', { name: 'Light theme' }).count()).toBe(1);
    await again.page.context().close();

    const fresh = await openApp({ colorScheme: 'light' });
    await fresh.page.getByTestId('empty-library').waitFor({ timeout: 30_000 });
    expect(await background(fresh.page)).toBe(LIGHT_BACKGROUND);
    expect([...first.errors, ...again.errors, ...fresh.errors]).toEqual([]);
    await fresh.page.context().close();
  });
});

describe('a failed call', () => {
  it("says in words that the library is busy, keeps main's message behind a disclosure, and recovers on retry", async () => {
    const handlers = apiHandlersFor(app.library());
    // Another process's import, as far as the library can tell: the lock file names this live pid.
    const held = new WriterLock(app.dataDir()).acquire('import');
    const { page, errors } = await app.harness().openApp({
      ...handlers,
      queue: (request) => {
        app.library().writer.refuseIfBusy();
        return handlers.queue(request);
      },
    });
    try {
      const alert = page.getByRole('alert');
      await expect
        .poll(() => alert.textContent(), { timeout: 30_000 })
        .toContain('The library is busy with an import; try again when it ends.');
      expect(await alert.textContent()).toContain('Could not load the queue');
      const detail = alert.getByText(/^library busy: import running since \S+ \(pid \d+/);
      expect(await detail.count()).toBe(1);
      expect(await detail.isVisible()).toBe(false);
      await alert.getByText('Technical detail').click();
      expect(await detail.isVisible()).toBe(true);
      await expectAccessible(page, 'the queue with an error shown');
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'error-busy.png') });
    } finally {
      held.release();
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByTestId('empty-library').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
