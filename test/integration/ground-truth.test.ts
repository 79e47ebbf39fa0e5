import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../src/main/library';
import { importFolders } from '../../src/main/importer/import-folders';
import { importGroundTruth } from '../../src/main/importer/ground-truth';
import { HAM_FIXTURES, requireSharedHam, useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();

async function libraryWith(folder: string): Promise<Library> {
  const library = openLibrary(tmp());
  await importFolders(library, { folders: [folder], patient: 'P-1', actor: 'test' });
  return library;
}

describe('ground truth from CSV', () => {
  it("imports HAM10000's labels.csv: every image in the library gets its label, lesion id and confirmation", async () => {
    const ham = requireSharedHam();
    // 300 of the 10,015 images, spread over the set so every diagnosis appears.
    const source = tmp();
    const names = fs.readdirSync(path.join(ham, 'images')).sort();
    const picked = names.filter((_, i) => i % 33 === 0);
    for (const name of picked) fs.copyFileSync(path.join(ham, 'images', name), path.join(source, name));
    const library = await libraryWith(source);
    try {
      const report = importGroundTruth(library, path.join(ham, 'labels.csv'), 'pathology-export');
      expect(report).toMatchObject({
        rows: 10_015,
        added: picked.length,
        unchanged: 0,
        failed: 10_015 - picked.length,
      });
      expect(report.problems[0]?.reason).toMatch(
        /^no image in the library matches image_id "ISIC_\d+" or file/,
      );

      const truth = new Map(
        fs
          .readFileSync(path.join(ham, 'labels.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split(','))
          .map(([id, , dx, mel, lesion, dxType]) => [`${id}.jpg`, { dx, mel, lesion, dxType }]),
      );
      const rows = library.db
        .prepare(
          `SELECT i.original_name AS name, i.lesion_id AS lesion, l.melanoma, l.diagnosis, l.confirmed_by AS confirmedBy
           FROM images i JOIN current_labels l ON l.image_id = i.id`,
        )
        .all() as Array<{
        name: string;
        lesion: string;
        melanoma: number;
        diagnosis: string;
        confirmedBy: string;
      }>;
      expect(rows).toHaveLength(picked.length);
      const confirmation: Record<string, string> = {
        histo: 'histopathology',
        follow_up: 'follow-up',
        consensus: 'consensus',
        confocal: 'confocal',
      };
      for (const row of rows) {
        const expected = truth.get(row.name);
        expect(row, row.name).toEqual({
          name: row.name,
          lesion: expected?.lesion,
          melanoma: Number(expected?.mel),
          diagnosis: expected?.dx,
          confirmedBy: confirmation[expected?.dxType ?? ''],
        });
      }
      expect(new Set(rows.map((r) => r.diagnosis))).toEqual(
        new Set(['akiec', 'bcc', 'bkl', 'df', 'mel', 'nv', 'vasc']),
      );

      // The same export again changes nothing: the history gains no copies.
      const again = importGroundTruth(library, path.join(ham, 'labels.csv'), 'pathology-export');
      expect(again).toMatchObject({ added: 0, unchanged: picked.length });
      expect(library.db.prepare('SELECT count(*) FROM labels').pluck().get()).toBe(picked.length);
    } finally {
      library.close();
    }
  });

  it('reports each bad row by line and field, and records the good ones', async () => {
    const library = await libraryWith(HAM_FIXTURES);
    try {
      const csv = path.join(tmp(), 'pathology.csv');
      fs.writeFileSync(
        csv,
        [
          'Image,Melanoma,Diagnosis,Confirmation,Date,Note',
          'ISIC_0024310.jpg,yes,mel,Histopathology,2026-02-03,"Breslow 0.4 mm, excised"',
          'ISIC_0024306,no,nv,follow-up,2026-02-04,',
          'ISIC_0024307,maybe,nv,consensus,,',
          'ISIC_0024308,no,freckle,consensus,,',
          '1,no,mel,clinical,,',
          'ISIC_0024308,no,nv,telepathy,,',
          'ISIC_0024308,no,nv,clinical,03/02/2026,',
          'ISIC_9999999.jpg,no,nv,clinical,,',
        ].join('\n'),
      );
      const report = importGroundTruth(library, csv, 'dr-b');
      expect(report).toMatchObject({ rows: 8, added: 3, failed: 5, skipped: 0 });
      // An unknown word beside a valid melanoma value keeps the row, as "other", with a warning.
      expect(report.warnings).toEqual([
        {
          line: 5,
          reason: expect.stringMatching(
            /^diagnosis: "freckle" is not a diagnosis: use a code or a name \(akiec, bcc, .*nevus.*\); recorded as "other"/,
          ),
        },
      ]);
      const freckle = library.images.idsByName().get('ISIC_0024308')?.[0] as number;
      expect(library.labels.current(freckle)).toMatchObject({ melanoma: false, diagnosis: 'other' });
      expect(report.problems).toEqual([
        { line: 4, reason: 'melanoma: "maybe" is not yes/no' },
        {
          line: 6,
          reason: expect.stringMatching(/^Invalid label, diagnosis: melanoma and diagnosis disagree/),
        },
        {
          line: 7,
          reason:
            'confirmation: "telepathy" is not one of histopathology, confocal, consensus, follow-up, clinical',
        },
        { line: 8, reason: 'date: "03/02/2026" is not a date (YYYY-MM-DD)' },
        { line: 9, reason: 'no image in the library matches image "ISIC_9999999.jpg"' },
      ]);
      const melanoma = library.images.idsByName().get('ISIC_0024310')?.[0] as number;
      expect(library.labels.current(melanoma)).toMatchObject({
        melanoma: true,
        diagnosis: 'mel',
        confirmedBy: 'histopathology',
        confirmedAt: '2026-02-03',
        note: 'Breslow 0.4 mm, excised',
        labeledBy: 'dr-b',
      });
      expect(library.audit.list(1)[0]).toMatchObject({
        action: 'labels.import',
        details: { added: 3, failed: 5, skipped: 0 },
      });
    } finally {
      library.close();
    }
  });

  it('refuses a CSV that names no image column, without recording anything', async () => {
    const library = await libraryWith(HAM_FIXTURES);
    try {
      const csv = path.join(tmp(), 'labels.csv');
      fs.writeFileSync(csv, 'patient,melanoma\nP-1,yes\n');
      expect(() => importGroundTruth(library, csv, 'x')).toThrow(`${csv} has no image column`);
      expect(library.labels.labeledImageCount()).toBe(0);
    } finally {
      library.close();
    }
  });
});
