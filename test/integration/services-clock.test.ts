import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/main/library';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

/** The services stamp what they write with the library's clock: the label, its audit entry, the study. */
describe('the services and the clock', () => {
  const tempDir = useTempDirs();

  it('write every timestamp of an action from the clock the library was opened with', async () => {
    let at = new Date('2031-05-04T08:30:00.000Z');
    const library = openLibrary(path.join(tempDir(), 'library'), { clock: () => at });
    try {
      const services = servicesFor(library, { actor: 'dr-clock' });
      const { report } = await services.imports.run({ folders: [HAM_FIXTURES], patient: 'P-1', rank: false });
      expect(report.imported).toBeGreaterThan(0);
      expect(library.db.prepare('SELECT DISTINCT study_date FROM studies').pluck().all()).toEqual([
        '2031-05-04',
      ]);
      expect(library.db.prepare('SELECT DISTINCT imported_at FROM images').pluck().all()).toEqual([
        '2031-05-04T08:30:00.000Z',
      ]);

      at = new Date('2031-05-05T09:00:00.000Z');
      const imageId = library.db.prepare('SELECT min(id) FROM images').pluck().get() as number;
      const saved = services.review.save({ imageId, melanoma: true, diagnosis: 'mel' });
      expect(saved.label.labeledAt).toBe('2031-05-05T09:00:00.000Z');
      expect(library.db.prepare(`SELECT at, actor FROM audit_log WHERE action = 'label.add'`).all()).toEqual([
        { at: '2031-05-05T09:00:00.000Z', actor: 'dr-clock' },
      ]);
    } finally {
      library.close();
    }
  }, 60_000);
});
