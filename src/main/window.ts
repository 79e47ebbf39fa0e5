/**
 * The app's one window and the rules every web page in it lives under. The renderer is treated as
 * untrusted: it gets no Node, a sandbox, no navigation away from our page, no popups and no
 * permissions (camera, notifications, ...), so a compromised page can do nothing but call the API.
 * The Content-Security-Policy itself is the meta tag in src/renderer/index.html, which also covers
 * file:// pages where response headers do not exist.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, type Session, type WebContents } from 'electron';

/** Where our page comes from: electron-vite's dev server, or the built files next to this bundle. */
function rendererUrl(): URL {
  const devServer = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devServer) return new URL(devServer);
  return pathToFileURL(join(__dirname, '../renderer/index.html'));
}

/** True for our own page only: same origin, and for file:// the very same file. */
export function isOwnPage(url: string): boolean {
  let candidate: URL;
  try {
    candidate = new URL(url);
  } catch {
    return false;
  }
  const own = rendererUrl();
  if (own.protocol === 'file:') return candidate.protocol === 'file:' && candidate.pathname === own.pathname;
  return candidate.origin === own.origin;
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 600,
    show: false,
    title: 'Melanoma Triage',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // Chromium's spellchecker downloads dictionaries from Google; patient notes never leave the machine.
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererUrl().href);
  return window;
}
