import os from 'node:os';
import path from 'node:path';

/** Electron's productName: the app keeps its library in userData, which is this same folder. */
const APP_FOLDER = 'Melanoma Triage';

/**
 * The per-user library folder, the same one the desktop app opens (Electron's userData), so the CLI
 * and the app see one library unless told otherwise.
 */
export function defaultDataDir(platform = process.platform, env = process.env, home = os.homedir()): string {
  if (platform === 'win32')
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_FOLDER);
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), APP_FOLDER);
}
