/**
 * axe-core on the patients and settings screens in each of their states, and on the import and model
 * screens as they open, in both themes, against the real services; and their text at 14 px or more,
 * with study dates written locally, never as ISO. (The import and model screens' other states are
 * checked in their own test files.)
 */
import { describe, expect, it } from 'vitest';
import { importFolders } from '../../src/main/importer/import-folders';
import { HAM_FIXTURES } from '../helpers/temp-dirs';
import { expectAccessible, textSmallerThan } from './accessibility';
import { apiHandlersFor, useAppOnLibrary } from './app-on-library';

const app = useAppOnLibrary(async (library) => {
  await importFolders(library, {
    folders: [HAM_FIXTURES],
    patient: 'P-0001',
    study: 'First visit',
    studyDate: '2026-03-14',
    actor: 'e2e',
  });
});

describe('the patients and settings screens', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`have no serious accessibility violation in any state, ${theme} theme`, async () => {
      const { page, errors } = await app
        .harness()
        .openApp(apiHandlersFor(app.library()), { colorScheme: theme });
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
      expect(await textSmallerThan(page, 14, 'main td, main th, main p, main label')).toEqual([]);

      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByLabel('Target sensitivity', { exact: true }).waitFor();
      await expectAccessible(page, `the settings screen (${theme})`);
      expect(
        await textSmallerThan(
          page,
          14,
          'main p, main label, main input:not([type=checkbox]):not([type=radio]):not([aria-hidden=true])',
        ),
      ).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it(`opens the import and model screens with no serious accessibility violation, ${theme} theme`, async () => {
      const { page, errors } = await app
        .harness()
        .openApp(apiHandlersFor(app.library()), { colorScheme: theme });
      await page.getByRole('tab', { name: 'Import' }).click();
      await page.getByLabel('Study date').waitFor();
      await expectAccessible(page, `the import screen (${theme})`);
      const readable = 'main p, main label, main td, main th, main button';
      expect(await textSmallerThan(page, 14, readable)).toEqual([]);

      await page.getByRole('tab', { name: 'Model' }).click();
      await page.getByTestId('model-report').waitFor({ timeout: 30_000 });
      await expectAccessible(page, `the model screen (${theme})`);
      expect(await textSmallerThan(page, 14, `${readable}, main .MuiChip-label`)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
