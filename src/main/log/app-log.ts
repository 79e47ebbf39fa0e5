/**
 * The app's log: one file in the data directory, a line per event, rotated at a size limit so it never
 * grows without bound. It is for the people who keep the app running, not for clinical records: callers
 * log ids, kinds, outcomes and error messages, never names, notes or image paths of patients.
 */
import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';

export interface AppLog {
  readonly file: string;
  write(level: LogLevel, message: string): void;
}

export const LOG_FILE = 'melanoma-triage.log';
const MAX_BYTES = 5 * 1024 * 1024;

export function openAppLog(dir: string, maxBytes = MAX_BYTES): AppLog {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOG_FILE);
  return {
    file,
    write: (level, message) => {
      // One line per event, whatever the message holds, so the file stays greppable.
      const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message.replace(/\s*\n\s*/g, ' | ')}\n`;
      try {
        if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) + line.length > maxBytes) {
          fs.renameSync(file, `${file}.1`);
        }
        fs.appendFileSync(file, line);
      } catch (error) {
        // A full or read-only disk must not take the app down with it; stderr still has the event.
        console.error(`could not write ${file}: ${String(error)}; ${line}`);
      }
    },
  };
}
