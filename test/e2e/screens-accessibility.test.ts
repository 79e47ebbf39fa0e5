/**
 * axe-core on the patients and settings screens in each of their states, in both themes, against the
 * real services; and their text at 14 px or more, with study dates written locally, never as ISO.
 */
import { describe, expect, it } from 'vitest';
import { importFolders } from '../../src/main/importer/import-folders';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { expectAccessible } from './accessibility';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';
import type { AppPage } from './harness';

const app = useAppOnLibrary(async (library) => {
  await importFolders(library, {
    folders: [HAM_FIXTURES],
    patient: 'P-0001',
    study: 'First visit',
    studyDate: '2026-03-14',
    actor: 'e2e',
  });
});

/** The page's getComputedStyle, for functions that run there (this file is typed without the DOM). */
type Styled = { getComputedStyle(element: unknown): { fontSize: string } };

/** Every element the selector matches whose text is smaller than 14 px, by its opening tag (hidden
 * native inputs, which show no text, are for the caller to leave out). */
async function smallText({ page }: AppPage, selector: string): Promise<string[]> {
  const sizes = await page.locator(selector).evaluateAll((elements) =>
    elements.map((e) => ({
      px: parseFloat((globalThis as unknown as Styled).getComputedStyle(e).fontSize),
      tag: (e as unknown as { outerHTML: string }).outerHTML.slice(0, 120),
    })),
  );
  expect(sizes.length).toBeGreaterThan(0);
  return sizes.filter((s) => s.px < 14).map((s) => `${s.px}px ${s.tag}`);
}

describe('the patients and settings screens', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`have no serious accessibility violation in any state, ${theme} theme`, async () => {
      const opened = await app.harness().openApp(apiHandlersFor(app.library()), { colorScheme: theme });
      const { page, errors } = opened;
      await page.getByRole('tab', { name: 'Patients' }).click();
      const patients = page.getByRole('table', { name: 'Patients' });
      await patients.getByRole('row', { name: /P-0001/ }).waitFor();
      await expectAccessible(page, `the patients screen (${theme})`);

      await patients.getByRole('row', { name: /P-0001/ }).click();
      const studies = page.getByRole('table', { name: 'Studies' });
      const study = studies.getByRole('row', { name: /First visit/ });
      await study.waitFor();
      expect(await study.textContent()).not.toContain('2026-03-14');
      expect(await study.textContent()).toContain('2026');
      await page.getByRole('button', { name: 'Rename First visit' }).click();
      await expectAccessible(page, `the patients screen renaming a study (${theme})`);
      expect(await smallText(opened, 'main td, main th, main p, main label')).toEqual([]);

      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByLabel('Target sensitivity', { exact: true }).waitFor();
      await expectAccessible(page, `the settings screen (${theme})`);
      expect(
        await smallText(
          opened,
          'main p, main label, main input:not([type=checkbox]):not([type=radio]):not([aria-hidden=true])',
        ),
      ).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
