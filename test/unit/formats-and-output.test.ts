import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/main/imaging/format';
import { defaultDataDir } from '../../src/main/cli/data-dir';
import { progressReporter } from '../../src/main/cli/progress';
import { toExportCsv } from '../../src/main/library/export';
import { foldColumn } from '../../src/main/importer/csv';
import type { Progress } from '../../src/main/services';

const bytes = (...values: Array<number | string>): Buffer =>
  Buffer.concat(values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))));

describe('sniffFormat', () => {
  it('tells supported, unsupported and non-images apart by content', () => {
    expect(sniffFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toEqual({ kind: 'supported', format: 'jpeg' });
    expect(sniffFormat(bytes(0x89, 'PNG\r\n', 0x1a, '\n'))).toEqual({ kind: 'supported', format: 'png' });
    expect(sniffFormat(bytes('II*', 0))).toEqual({ kind: 'supported', format: 'tiff' });
    expect(sniffFormat(bytes('MM', 0, '*'))).toEqual({ kind: 'supported', format: 'tiff' });
    expect(sniffFormat(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toEqual({ kind: 'supported', format: 'webp' });
    expect(sniffFormat(bytes('GIF89a'))).toEqual({ kind: 'unsupported', name: 'GIF' });
    expect(sniffFormat(bytes('BM', 0, 0))).toEqual({ kind: 'unsupported', name: 'BMP' });
    expect(sniffFormat(bytes(0, 0, 0, 0x18, 'ftypheic'))).toEqual({ kind: 'unsupported', name: 'HEIC/HEIF' });
    expect(sniffFormat(bytes(0, 0, 0, 0x18, 'ftypmp42'))).toEqual({ kind: 'not-image' });
    expect(sniffFormat(bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt '))).toEqual({ kind: 'not-image' });
    expect(sniffFormat(Buffer.from('hello, world'))).toEqual({ kind: 'not-image' });
    expect(sniffFormat(Buffer.alloc(0))).toEqual({ kind: 'not-image' });
  });
});

describe('defaultDataDir', () => {
  it("is Electron's userData folder for the app on each platform", () => {
    expect(defaultDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.config/Melanoma Triage');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/Melanoma Triage');
    expect(defaultDataDir('darwin', {}, '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/Melanoma Triage',
    );
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toBe(
      'C:\\Users\\ana\\AppData\\Roaming\\Melanoma Triage',
    );
  });
});

describe('progressReporter', () => {
  const capture = (isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    stream.isTTY = isTTY;
    return { stream, text: () => text };
  };
  const at = (phase: 'scanning' | 'importing', done: number): Progress => ({
    phase,
    done,
    total: 200,
    failed: 1,
    rate: 50,
  });

  it('redraws one bar with rate and time left on a terminal', () => {
    const { stream, text } = capture(true);
    const report = progressReporter(stream);
    report(at('importing', 50));
    report(at('importing', 200));
    expect(text()).toContain(
      `\r${'█'.repeat(8)}${'░'.repeat(22)}  25% 50/200 files, 50/s, 1 failed, 3s left`,
    );
    expect(text().endsWith(`\r${'█'.repeat(30)} 100% 200/200 files, 50/s, 1 failed, done\u001b[K\n`)).toBe(
      true,
    );
  });

  it('writes plain lines when not a terminal', () => {
    const { stream, text } = capture(false);
    const report = progressReporter(stream);
    report(at('scanning', 0));
    report(at('importing', 50));
    report(at('importing', 60));
    report(at('importing', 200));
    expect(text()).toBe(
      'scanning folders\nimporting: 25% 50/200 files, 50/s, 1 failed\ndone: 100% 200/200 files, 50/s, 1 failed\n',
    );
  });
});

describe('export CSV and column names', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    const csv = toExportCsv([
      {
        imageId: 3,
        fileName: 'back, "left".jpg',
        patient: 'P-1',
        study: 'a\nb',
        melanoma: true,
        diagnosis: 'mel',
        confirmedBy: 'histopathology',
        probability: 0.75,
        modelVersion: 'v1',
        diagnosisDetail: 'in situ',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(
      '3,"back, ""left"".jpg",P-1,"a\nb",yes,mel,histopathology,0.75,v1,in situ',
    );
  });

  it('folds header spellings to one column name', () => {
    expect(['Body Site', 'body_site', ' BODY-SITE ', 'Lesion ID'].map(foldColumn)).toEqual([
      'body_site',
      'body_site',
      'body_site',
      'lesion_id',
    ]);
  });
});
