import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/main/library';
import { runTriage, spawnTriage } from '../helpers/triage-cli';
import { writeSyntheticJpegs } from '../helpers/images';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe('triage CLI', () => {
  it('imports, lists, labels and exports a study, with --json output', async () => {
    const dataDir = tmp();
    const source = tmp();
    fs.cpSync(HAM_FIXTURES, source, { recursive: true });
    const d = ['--data-dir', dataDir];

    const imported = await runTriage([
      'import',
      source,
      '--patient',
      'P-042',
      '--study',
      'dermoscopy 2026-03',
      ...d,
      '--json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(json(imported.stdout)).toMatchObject({
      status: 'completed',
      imported: 4,
      failed: 0,
      patient: 'P-042',
      // An import ranks what it imported: embedded, scored by the shipped default model.
      ranking: { embedded: 4, scored: 4, failed: [], backend: { name: expect.any(String) } },
    });
    const model = json<{ ranking: { model: string } }>(imported.stdout).ranking.model;
    // Not a terminal: plain progress lines, no bar.
    expect(imported.stderr).toContain('scanning folders\n');
    expect(imported.stderr).toMatch(/done: 100% 4\/4 files, \d+\/s, 0 failed\n/);
    expect(imported.stderr).not.toContain('\r');

    const patients = await runTriage(['patients', ...d, '--json']);
    expect(json(patients.stdout)).toEqual([
      expect.objectContaining({ code: 'P-042', studies: 1, images: 4, labeled: 0 }),
    ]);
    const studies = await runTriage(['studies', '--patient', 'P-042', ...d]);
    expect(studies.stdout).toMatch(/^P-042\tdermoscopy 2026-03\t\d{4}-\d{2}-\d{2}\t4 images\t0 labeled\n$/);

    const byFile = await runTriage([
      'label',
      path.join(source, 'ISIC_0024310.jpg'),
      '--melanoma',
      'yes',
      '--confirmed-by',
      'histopathology',
      '--date',
      '2026-03-20',
      '--by',
      'dr-k',
      ...d,
      '--json',
    ]);
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(json(byFile.stdout)).toMatchObject({
      added: true,
      label: {
        melanoma: true,
        diagnosis: 'mel',
        confirmedBy: 'histopathology',
        confirmedAt: '2026-03-20',
        labeledBy: 'dr-k',
      },
    });
    const byName = await runTriage(['label', 'ISIC_0024306', '--melanoma', 'no', '--diagnosis', 'nv', ...d]);
    expect(byName.stdout).toMatch(/^Labeled image \d+ \(melanoma: no, nv\)\n$/);

    const csv = path.join(tmp(), 'export.csv');
    const exported = await runTriage(['export', csv, ...d]);
    expect(exported.code).toBe(0);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'image_id,file_name,patient,study,melanoma,diagnosis,confirmed_by,probability,model_version,diagnosis_detail',
    );
    const probability = new RegExp(`^\\d+,(.*),[0-9.e-]+,${model},$`);
    expect(lines.slice(1).every((line) => probability.test(line))).toBe(true);
    expect(
      lines
        .slice(1)
        .map((line) => probability.exec(line)?.[1])
        .sort(),
    ).toEqual([
      'ISIC_0024306.jpg,P-042,dermoscopy 2026-03,no,nv,',
      'ISIC_0024307.jpg,P-042,dermoscopy 2026-03,,,',
      'ISIC_0024308.jpg,P-042,dermoscopy 2026-03,,,',
      'ISIC_0024310.jpg,P-042,dermoscopy 2026-03,yes,mel,histopathology',
    ]);
    expect(lines).toHaveLength(5);

    // The ranked queue, filtered: the study's two images that have no label yet, most suspicious first.
    const ranked = await runTriage([
      'rank',
      '--patient',
      'P-042',
      '--study',
      'dermoscopy 2026-03',
      '--unlabeled',
      ...d,
      '--json',
    ]);
    expect(ranked.code, ranked.stderr).toBe(0);
    const queue = json<{ embedded: number; threshold: number; queue: Array<Record<string, unknown>> }>(
      ranked.stdout,
    );
    expect(queue.embedded).toBe(0);
    expect(queue.queue.map((e) => e.fileName).sort()).toEqual(['ISIC_0024307.jpg', 'ISIC_0024308.jpg']);
    expect(
      queue.queue.every(
        (e) => e.melanoma === null && e.suspicious === (e.probability as number) >= queue.threshold,
      ),
    ).toBe(true);
    const probabilities = queue.queue.map((e) => e.probability as number);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    const noPatient = await runTriage(['rank', '--study', 'dermoscopy 2026-03', ...d]);
    expect(noPatient.code).toBe(2);
    expect(noPatient.stderr).toContain('--study needs --patient');

    // A label withdrawn: the image is unlabeled again, and the history keeps both rows.
    const unlabeled = await runTriage(['unlabel', 'ISIC_0024306', '--by', 'dr-k', ...d, '--json']);
    expect(unlabeled.code, unlabeled.stderr).toBe(0);
    expect(json(unlabeled.stdout)).toMatchObject({
      withdrawal: { melanoma: false, diagnosis: 'nv', labeledBy: 'dr-k', withdrawn: true },
    });
    const again = await runTriage(['unlabel', 'ISIC_0024306', ...d]);
    expect(again.stdout).toMatch(/^Image \d+ has no label: nothing withdrawn\n$/);
    expect(json(await runTriage(['patients', ...d, '--json']).then((r) => r.stdout))).toEqual([
      expect.objectContaining({ code: 'P-042', labeled: 1 }),
    ]);
  });

  it('imports ground truth from a CSV and exits 1 when some rows fail', async () => {
    const dataDir = tmp();
    await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', '--data-dir', dataDir, '--no-rank']);
    const csv = path.join(tmp(), 'truth.csv');
    fs.writeFileSync(
      csv,
      'image_id,dx,dx_type\nISIC_0024310,mel,histo\nISIC_0024307,nv,follow_up\nISIC_0000000,nv,histo\n',
    );
    const result = await runTriage(['labels', 'import', csv, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `2 label(s) recorded, 0 unchanged, 1 row(s) failed (3 rows in ${csv})\n` +
        '  line 4: no image in the library matches image_id "ISIC_0000000"\n',
    );
  });

  it('exits 1 with each failed file named when part of a batch fails', async () => {
    const dataDir = tmp();
    const source = tmp();
    await writeSyntheticJpegs(source, 2);
    fs.writeFileSync(
      path.join(source, 'broken.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    );
    const result = await runTriage([
      'import',
      source,
      '--patient',
      'P-1',
      '--data-dir',
      dataDir,
      '--no-rank',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Imported 2 new image(s) into patient P-1');
    expect(result.stdout).toMatch(
      new RegExp(`  failed     ${path.join(source, 'broken.png')}: corrupt PNG: `),
    );
  });

  it('reports a file it has no permission to read, and imports the rest', async () => {
    const root = tmp();
    fs.chmodSync(root, 0o755);
    const source = path.join(root, 'photos');
    const dataDir = path.join(root, 'library');
    await writeSyntheticJpegs(source, 2);
    const secret = path.join(source, 'photo-0001.jpg');
    fs.chmodSync(secret, 0o000);
    fs.mkdirSync(dataDir, { mode: 0o777 });
    fs.chmodSync(dataDir, 0o777);
    // root reads any file, so as root the import runs as the unprivileged user 'nobody'.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = await runTriage(
      ['import', source, '--patient', 'P-1', '--data-dir', dataDir, '--json', '--no-rank'],
      {
        ...asUser,
        env: { ...process.env, HOME: root },
      },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(json(result.stdout)).toMatchObject({
      imported: 1,
      failed: 1,
      files: [{ path: secret, status: 'failed', reason: 'unreadable: permission denied to read this file' }],
    });
  });

  it('retrain --deep reports its steps on stderr and stops cleanly on Ctrl-C', async () => {
    const dataDir = tmp();
    expect((await runTriage(['import', HAM_FIXTURES, '--patient', 'P-1', '--data-dir', dataDir])).code).toBe(
      0,
    );
    const child = spawnTriage(['retrain', '--deep', '--data-dir', dataDir, '--json']);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The photographs' activations (shipped, labeled, and their augmented copies) come first: interrupted
    // there, after the first step.
    await new Promise<void>((resolve) =>
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/activations: [1-9]\d* of \d+/.test(stderr)) resolve();
      }),
    );
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(2);
    // Said as such, for scripts too: no stack trace.
    expect(JSON.parse(stdout)).toEqual({ error: 'cancelled' });
    const library = openLibrary(dataDir);
    try {
      expect(library.trainingRuns.list(1)).toMatchObject([{ kind: 'deep', status: 'cancelled' }]);
      expect(library.models.list()).toHaveLength(1);
    } finally {
      library.close();
    }
  }, 120_000);

  it('exits 2 with a clear message for unusable arguments or libraries', async () => {
    const dataDir = tmp();
    const missingPatient = await runTriage(['import', HAM_FIXTURES, '--data-dir', dataDir]);
    expect(missingPatient.code).toBe(2);
    expect(missingPatient.stderr).toContain("required option '--patient <id>' not specified");

    const unknownCommand = await runTriage(['frobnicate']);
    expect(unknownCommand.code).toBe(2);

    const noImage = await runTriage(['label', '77', '--melanoma', 'yes', '--data-dir', dataDir, '--json']);
    expect(noImage.code).toBe(2);
    expect(json(noImage.stdout)).toEqual({ error: 'No image with id 77 in the library.' });

    const notADir = path.join(tmp(), 'file');
    fs.writeFileSync(notADir, 'x');
    const badDir = await runTriage(['patients', '--data-dir', notADir]);
    expect(badDir.code).toBe(2);
    expect(badDir.stderr).toContain(`triage: Cannot use ${notADir} as the library folder`);

    const corrupt = tmp();
    fs.writeFileSync(path.join(corrupt, 'library.db'), 'not sqlite at all, '.repeat(300));
    const corruptRun = await runTriage(['patients', '--data-dir', corrupt]);
    expect(corruptRun.code).toBe(2);
    expect(corruptRun.stderr).toContain(`${path.join(corrupt, 'library.db')} is damaged or not a library`);

    const help = await runTriage(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('labels');
  });
});
