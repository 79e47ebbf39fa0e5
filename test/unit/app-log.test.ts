import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_FILE, openAppLog } from '../../src/main/log/app-log';
import { useTempDirs } from '../helpers/temp-dirs';

describe('the app log', () => {
  const tempDir = useTempDirs();

  it('writes one timestamped line per event in the folder it is given', () => {
    const dir = path.join(tempDir(), 'logs');
    const log = openAppLog(dir);
    log.write('info', 'started');
    log.write('warn', 'two\nlines');
    expect(log.file).toBe(path.join(dir, LOG_FILE));
    const lines = fs.readFileSync(log.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO started$/);
    expect(lines[1]).toMatch(/ WARN two \| lines$/);
  });

  it('rotates at its size limit, keeping one older file', () => {
    const dir = tempDir();
    const log = openAppLog(dir, 200);
    for (let i = 0; i < 10; i++) log.write('info', `event ${i} ${'x'.repeat(40)}`);
    expect(fs.statSync(log.file).size).toBeLessThanOrEqual(200);
    expect(fs.statSync(`${log.file}.1`).size).toBeLessThanOrEqual(200);
    expect(fs.readFileSync(log.file, 'utf8')).toContain('event 9');
    expect(fs.readdirSync(dir).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`]);
  });
});
