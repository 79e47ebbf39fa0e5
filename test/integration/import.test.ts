import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/main/library';
import { importFolders, type ImportOptions } from '../../src/main/importer/import-folders';
import type { ImportProgress, ImportReport } from '../../src/main/importer/report';
import { orientedJpeg, pixelBombPng, writeSyntheticJpegs } from '../helpers/images';
import { inspectLibrary } from '../helpers/library-checks';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();

async function runImport(
  dataDir: string,
  options: Partial<ImportOptions> & { folders: string[] },
): Promise<ImportReport> {
  const library = openLibrary(dataDir);
  try {
    return await importFolders(library, { patient: 'P-001', actor: 'test', ...options });
  } finally {
    library.close();
  }
}

function failureReasons(report: ImportReport): Record<string, string> {
  return Object.fromEntries(
    report.files.flatMap((f) => (f.status === 'failed' ? [[path.basename(f.path), f.reason]] : [])),
  );
}

describe('batch import', () => {
  it('imports JPEG, PNG, TIFF and WebP recursively, with orientation, capture time and thumbnails', async () => {
    const source = tmp();
    const dataDir = tmp();
    fs.cpSync(HAM_FIXTURES, path.join(source, 'dermoscopy'), { recursive: true });
    const phone = path.join(source, 'phone', 'back');
    fs.mkdirSync(phone, { recursive: true });
    fs.writeFileSync(path.join(phone, 'IMG_0001.JPG'), await orientedJpeg(60, 40));
    const pixel = sharp({ create: { width: 30, height: 20, channels: 3, background: '#336699' } });
    await pixel.clone().png().toFile(path.join(source, 'scan.png'));
    await pixel.clone().tiff().toFile(path.join(source, 'scan.tiff'));
    await pixel.clone().webp({ lossless: true }).toFile(path.join(source, 'scan.webp'));

    const events: ImportProgress[] = [];
    const report = await runImport(dataDir, {
      folders: [source],
      study: 'visit 1',
      onProgress: (p) => events.push(p),
    });

    expect(report).toMatchObject({
      status: 'completed',
      found: 8,
      imported: 8,
      duplicates: 0,
      failed: 0,
      files: [],
    });
    expect(events[0]?.phase).toBe('scanning');
    expect(events.at(-1)).toMatchObject({ phase: 'done', found: 8, processed: 8, imported: 8 });
    expect(events.at(-1)?.rate).toBeGreaterThan(0);

    const library = openLibrary(dataDir);
    try {
      const rows = library.db.prepare('SELECT * FROM images ORDER BY original_name').all() as Array<
        Record<string, unknown>
      >;
      const byName = Object.fromEntries(rows.map((row) => [row.original_name, row]));
      expect(Object.keys(byName).sort()).toEqual(
        [
          'IMG_0001.JPG',
          'ISIC_0024306.jpg',
          'ISIC_0024307.jpg',
          'ISIC_0024308.jpg',
          'ISIC_0024310.jpg',
          'scan.png',
          'scan.tiff',
          'scan.webp',
        ].sort(),
      );
      // Orientation 6 turns the 60×40 sensor image upright: 40 wide, 60 high.
      expect(byName['IMG_0001.JPG']).toMatchObject({
        format: 'jpeg',
        width: 40,
        height: 60,
        orientation: 6,
        captured_at: '2025-03-14T09:26:53+01:00',
      });
      expect(byName['ISIC_0024306.jpg']).toMatchObject({
        format: 'jpeg',
        width: 200,
        height: 150,
        captured_at: null,
      });
      expect(byName['scan.tiff']).toMatchObject({ format: 'tiff', width: 30, height: 20 });
      expect(byName['scan.webp']).toMatchObject({ format: 'webp' });
      const phoneRow = byName['IMG_0001.JPG'] as { sha256: string };
      const thumbnail = await sharp(library.store.thumbnailPath(phoneRow.sha256)).metadata();
      expect([thumbnail.format, thumbnail.width, thumbnail.height]).toEqual(['jpeg', 40, 60]);
      const original = fs.readFileSync(library.store.originalPath(phoneRow.sha256, 'jpeg'));
      expect(original.equals(fs.readFileSync(path.join(phone, 'IMG_0001.JPG')))).toBe(true);
      expect(library.patients.listStudies('P-001')).toMatchObject([{ name: 'visit 1', images: 8 }]);
    } finally {
      library.close();
    }
    // The library no longer needs the source drive.
    fs.rmSync(source, { recursive: true });
    expect(inspectLibrary(dataDir)).toMatchObject({
      integrity: 'ok',
      images: 8,
      missingFiles: [],
      strayFiles: [],
    });
  });

  it('stores the same image once, reports copies as duplicates, and a re-run as already imported', async () => {
    const source = tmp();
    const dataDir = tmp();
    fs.cpSync(HAM_FIXTURES, path.join(source, 'a'), { recursive: true });
    fs.mkdirSync(path.join(source, 'b'));
    fs.copyFileSync(path.join(source, 'a', 'ISIC_0024306.jpg'), path.join(source, 'b', 'copy of 306.jpg'));

    const first = await runImport(dataDir, { folders: [source] });
    expect(first).toMatchObject({ imported: 4, duplicates: 1, failed: 0 });
    expect(first.files).toEqual([
      expect.objectContaining({
        status: 'duplicate',
        path: path.join(source, 'b', 'copy of 306.jpg'),
        duplicateOf: path.join(source, 'a', 'ISIC_0024306.jpg'),
        imageId: expect.any(Number),
      }),
    ]);
    expect((first.files[0] as { imageId: number }).imageId).toBeGreaterThan(0);

    const library = openLibrary(dataDir);
    try {
      // The copy's name still finds the image, as a pathology export naming the copy would.
      const original = library.images.idsByName().get('ISIC_0024306');
      expect(original).toHaveLength(1);
      expect(library.images.idsByName().get('copy of 306.jpg')).toEqual(original);
      expect(library.images.idsByName().get('copy of 306')).toEqual(original);
    } finally {
      library.close();
    }

    const again = await runImport(dataDir, { folders: [source] });
    expect(again).toMatchObject({ imported: 0, alreadyImported: 4, duplicates: 1 });

    const otherStudy = await runImport(dataDir, { folders: [path.join(source, 'a')], study: 'other visit' });
    expect(otherStudy).toMatchObject({ imported: 0, alreadyImported: 0, duplicates: 4 });
    expect(inspectLibrary(dataDir)).toMatchObject({
      integrity: 'ok',
      images: 4,
      distinctHashes: 4,
      strayFiles: [],
    });
  });

  it('gives every bad file a clear reason and imports the rest of the batch', async () => {
    const source = tmp();
    const dataDir = tmp();
    const good = await writeSyntheticJpegs(source, 3);
    const jpeg = fs.readFileSync(good[0] as string);
    const bad = (name: string, bytes: Buffer | string): void =>
      fs.writeFileSync(path.join(source, name), bytes);
    bad('zero.jpg', Buffer.alloc(0));
    bad('truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    // A JPEG start marker followed by a quantisation table segment too short to be one.
    bad(
      'corrupt.jpg',
      Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xdb, 0x00, 0x02]), Buffer.alloc(300, 7)]),
    );
    bad('notes.jpg', 'Patient seen 2026-03-01; follow-up in six months.\n');
    bad('report.pdf', '%PDF-1.4\n%âãÏÓ\n1 0 obj\n');
    bad('bomb.png', pixelBombPng());
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .gif()
      .toFile(path.join(source, 'anim.gif'));
    bad('.DS_Store', 'mac finder data');
    const unicodeName = 'Läsion 黒子 ✓ (rücken).jpg';
    fs.copyFileSync(good[1] as string, path.join(source, 'x.jpg'));
    fs.renameSync(path.join(source, 'x.jpg'), path.join(source, unicodeName));
    fs.mkdirSync(path.join(source, 'nested'));
    fs.symlinkSync(source, path.join(source, 'nested', 'loop'));
    fs.symlinkSync(path.join(source, 'gone.jpg'), path.join(source, 'dangling.jpg'));
    fs.symlinkSync('self.jpg', path.join(source, 'self.jpg'));

    const report = await runImport(dataDir, { folders: [source] });
    const reasons = failureReasons(report);
    expect(reasons).toEqual({
      'zero.jpg': 'empty file (0 bytes)',
      'truncated.jpg': expect.stringMatching(/^corrupt or truncated JPEG: /),
      'corrupt.jpg': expect.stringMatching(/^corrupt( or truncated)? JPEG: /),
      'notes.jpg': 'not an image',
      'report.pdf': 'not an image',
      'bomb.png': 'too many pixels: 50000×50000 is 2500.0 MP, over the 150.0 MP limit',
      'anim.gif': 'unsupported image format GIF (use JPEG, PNG, TIFF or WebP)',
      loop: expect.stringMatching(/^symbolic link loop: leads back to /),
      'dangling.jpg': 'unreadable: broken symbolic link',
      'self.jpg': 'symbolic link loop: the link points to itself',
    });
    // photo-0001 and the Unicode-named copy of it are one image; the copy sorts first.
    expect(report).toMatchObject({ imported: 3, duplicates: 1, failed: 10, status: 'completed' });
    const library = openLibrary(dataDir);
    try {
      const names = library.db.prepare('SELECT original_name FROM images').pluck().all();
      expect(names.sort()).toEqual([unicodeName, 'photo-0000.jpg', 'photo-0002.jpg']);
      expect(report.files.find((f) => f.status === 'duplicate')).toMatchObject({
        path: path.join(source, 'photo-0001.jpg'),
        duplicateOf: path.join(source, unicodeName),
      });
    } finally {
      library.close();
    }
    expect(inspectLibrary(dataDir)).toMatchObject({
      integrity: 'ok',
      images: 3,
      missingFiles: [],
      strayFiles: [],
    });
  });

  it('imports a file named in Unicode under its own name', async () => {
    const source = tmp();
    const dataDir = tmp();
    const [file] = await writeSyntheticJpegs(source, 1);
    const name = 'Hautläsion 日本 🩺.jpg';
    fs.renameSync(file as string, path.join(source, name));
    const report = await runImport(dataDir, { folders: [source] });
    expect(report).toMatchObject({ imported: 1, failed: 0 });
    const library = openLibrary(dataDir);
    try {
      expect(library.images.byId(1)).toMatchObject({
        originalName: name,
        originalPath: path.join(source, name),
      });
    } finally {
      library.close();
    }
  });

  it('applies a manifest: patients, studies, body sites and lesion ids per file', async () => {
    const source = tmp();
    const dataDir = tmp();
    fs.cpSync(HAM_FIXTURES, path.join(source, 'derm'), { recursive: true });
    fs.writeFileSync(
      path.join(source, 'manifest.csv'),
      [
        'File,Patient,Study,Body Site,Lesion ID',
        'derm/ISIC_0024306.jpg,P-100,2026-01 total body,trunk,HAM_0000550',
        'ISIC_0024310.jpg,,,"chest, left",HAM_0003350',
        'derm/missing.jpg,P-100,,arm,',
      ].join('\n'),
    );
    const report = await runImport(dataDir, { folders: [source], study: 'default study' });
    expect(report).toMatchObject({ imported: 4, failed: 0 });
    expect(report.warnings).toEqual([expect.stringContaining('lists derm/missing.jpg')]);
    const library = openLibrary(dataDir);
    try {
      const rows = library.db
        .prepare(
          `SELECT i.original_name AS name, p.code AS patient, s.name AS study, i.body_site AS site, i.lesion_id AS lesion
           FROM images i JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id ORDER BY name`,
        )
        .all();
      expect(rows).toEqual([
        {
          name: 'ISIC_0024306.jpg',
          patient: 'P-100',
          study: '2026-01 total body',
          site: 'trunk',
          lesion: 'HAM_0000550',
        },
        { name: 'ISIC_0024307.jpg', patient: 'P-001', study: 'default study', site: null, lesion: null },
        { name: 'ISIC_0024308.jpg', patient: 'P-001', study: 'default study', site: null, lesion: null },
        {
          name: 'ISIC_0024310.jpg',
          patient: 'P-001',
          study: 'default study',
          site: 'chest, left',
          lesion: 'HAM_0003350',
        },
      ]);
    } finally {
      library.close();
    }
  });

  it('reports a manifest without a file column by name, before importing anything', async () => {
    const source = tmp();
    const dataDir = tmp();
    await writeSyntheticJpegs(source, 2);
    const manifest = path.join(tmp(), 'export.csv');
    fs.writeFileSync(manifest, 'patient,site\nP-1,arm\n');
    await expect(runImport(dataDir, { folders: [source], manifest })).rejects.toThrow(
      `Manifest ${manifest} has no file column`,
    );
    expect(inspectLibrary(dataDir).images).toBe(0);
  });

  it('stops when cancelled, leaving a consistent library that a re-run completes', async () => {
    const source = tmp();
    const dataDir = tmp();
    await writeSyntheticJpegs(source, 60);
    const controller = new AbortController();
    const cancelled = await runImport(dataDir, {
      folders: [source],
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.processed >= 10) controller.abort();
      },
    });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.imported).toBeGreaterThanOrEqual(10);
    expect(cancelled.imported).toBeLessThan(60);
    expect(cancelled.notProcessed).toBe(60 - cancelled.imported);
    expect(inspectLibrary(dataDir)).toMatchObject({
      integrity: 'ok',
      images: cancelled.imported,
      strayFiles: [],
    });

    const resumed = await runImport(dataDir, { folders: [source] });
    expect(resumed).toMatchObject({
      status: 'completed',
      alreadyImported: cancelled.imported,
      imported: 60 - cancelled.imported,
    });
    expect(inspectLibrary(dataDir)).toMatchObject({
      integrity: 'ok',
      images: 60,
      distinctHashes: 60,
      strayFiles: [],
    });
  });

  it('refuses a second import into the same library while one runs', async () => {
    const source = tmp();
    const dataDir = tmp();
    await writeSyntheticJpegs(source, 30);
    const library = openLibrary(dataDir);
    try {
      const running = importFolders(library, { folders: [source], patient: 'P', actor: 't' });
      const other = openLibrary(dataDir);
      try {
        await expect(importFolders(other, { folders: [source], patient: 'P', actor: 't' })).rejects.toThrow(
          /library busy: import running since .* \(pid \d+\)/,
        );
      } finally {
        other.close();
      }
      expect((await running).imported).toBe(30);
    } finally {
      library.close();
    }
  });
});
