/**
 * The retraining schedule on the settings screen, in a real Chromium against the real services: main
 * validates each change, and the screen shows the last scheduled run and the next.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR } from './harness';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';

const app = useAppOnLibrary();

describe('the retraining schedule on the settings screen', () => {
  it('is set up there, refuses what main refuses, and shows the last run and the next', async () => {
    const lastRunAt = '2030-01-07T04:00:00.000Z';
    app.library().retrainSchedule.write({
      plan: 'daily 02:00',
      since: lastRunAt,
      lastRun: {
        at: lastRunAt,
        outcome: {
          kind: 'promoted',
          candidate: 'head-new',
          parent: 'head-old',
          candidateAuc: 0.912,
          activeAuc: 0.9,
        },
      },
    });
    const { page, errors } = await app.harness().openApp(apiHandlersFor(app.library()));
    await page.getByRole('tab', { name: 'Settings' }).click();
    const status = page.getByTestId('retrain-schedule-status');
    await expect.poll(() => status.textContent()).toMatch(/Scheduled retraining is off\. 0 of 20 images/);
    expect(await status.textContent()).toMatch(
      /Scheduled retraining: model promoted, .*2030.*head-new is now active\. Validation AUC 0\.912 against 0\.900 \(\+0\.012\)/,
    );

    await page.getByRole('combobox', { name: 'Retrain' }).click();
    await page.getByRole('option', { name: 'Every week' }).click();
    await expect.poll(() => app.library().settings.get('retrainSchedule')).toBe('weekly');
    await page.getByRole('combobox', { name: 'On' }).click();
    await page.getByRole('option', { name: 'Friday' }).click();
    await expect.poll(() => app.library().settings.get('retrainWeekday')).toBe('friday');
    await page.getByRole('combobox', { name: 'What it retrains' }).click();
    await page.getByRole('option', { name: 'The top of the network too (deep)' }).click();
    await expect.poll(() => app.library().settings.get('retrainDepth')).toBe('deep');
    await expect.poll(() => page.getByText(/tens of minutes on a CPU, best overnight/).count()).toBe(1);
    const time = page.getByLabel('Retraining time');
    await time.fill('03:15');
    await time.blur();
    await expect.poll(() => app.library().settings.get('retrainTime')).toBe('03:15');
    // The next run is a Friday at 03:15 local time (the page and the test share the machine's zone).
    await expect.poll(() => status.textContent()).toMatch(/^Next: Fri\b.*\b0?3:15\b/);

    const needed = page.getByLabel('New labels needed');
    await needed.fill('0');
    await needed.blur();
    await expect
      .poll(() => page.getByText('retrainMinNewLabels must be a number from 1 to 100000').count())
      .toBe(1);
    expect(app.library().settings.get('retrainMinNewLabels')).toBe(20);
    await needed.fill('5');
    await needed.blur();
    await expect.poll(() => app.library().settings.get('retrainMinNewLabels')).toBe(5);
    await expect.poll(() => status.textContent()).toMatch(/0 of 5 images labeled/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'settings-schedule.png'), fullPage: true });
    expect(errors.filter((e) => !e.includes('retrainMinNewLabels must be'))).toEqual([]);
    await page.context().close();
  }, 120_000);
});
