/**
 * App lifecycle: one instance per user (two processes writing the same SQLite library would fight
 * over it), the library opened from the user's data folder, the API wired, one window.
 */
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, Notification, powerMonitor, protocol, session } from 'electron';
import { JOB_EVENT_CHANNEL } from '../api/channels';
import { describeScheduledOutcome } from '../api/schedule';
import { createApiHandlers } from './api-handlers';
import { IMAGE_SCHEME, serveImage } from './image-protocol';
import { JobRunner } from './jobs/job-runner';
import { openAppLog, type AppLog } from './log/app-log';
import { utilityModelProcessPool } from './model-host';
import { registerIpc } from './ipc';
import type { Library } from './library';
import { openServices, type Services } from './services';
import { resourcePaths } from './resources';
import { systemClock } from './schedule/clock';
import { RetrainScheduler } from './schedule/retrain-scheduler';
import { createMainWindow, hardenSession, hardenWebContents, isOwnPage } from './window';

/**
 * Unpackaged (npm start), node_modules holds better-sqlite3 built for Node, for the CLI and tests;
 * tools/electron-native.cjs put an Electron build beside it. A packaged app has only the Electron build.
 */
function sqliteBindingForElectron(): string | undefined {
  return app.isPackaged
    ? undefined
    : path.join(app.getAppPath(), '.native', 'electron', 'better_sqlite3.node');
}

function start(): void {
  hardenSession(session.defaultSession);
  const dataDir = app.getPath('userData');
  const log = openAppLog(path.join(dataDir, 'logs'));
  log.write('info', `started ${app.getName()} ${app.getVersion()} (${process.platform}, ${process.arch})`);
  const models = utilityModelProcessPool((message) => {
    log.write('error', message);
    if (Notification.isSupported()) new Notification({ title: 'Melanoma Triage', body: message }).show();
  });
  app.on('will-quit', () => models.close());

  // Packaged, resources sit in process.resourcesPath; unpackaged they are found beside the code.
  const resources = resourcePaths(app.isPackaged ? path.join(process.resourcesPath, 'resources') : undefined);
  let services: Services;
  try {
    services = openServices(
      dataDir,
      { resources, models, actor: os.userInfo().username },
      { nativeBinding: sqliteBindingForElectron() },
    );
  } catch (error) {
    log.write('error', `could not open the library: ${String(error)}`);
    dialog.showErrorBox('Melanoma Triage', `Could not open the library in ${dataDir}:\n${String(error)}`);
    app.exit(1);
    return;
  }
  const { library } = services.context;
  app.on('will-quit', () => library.close());

  const jobs = new JobRunner(services, (event) => {
    if (event.type === 'finished') log.write('info', `job ${event.id} (${event.kind}): ${event.outcome}`);
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(JOB_EVENT_CHANNEL, event);
  });
  const choose = {
    folders: async (): Promise<string[]> =>
      (await dialog.showOpenDialog({ properties: ['openDirectory', 'multiSelections'] })).filePaths,
    manifest: async (): Promise<string | null> =>
      (
        await dialog.showOpenDialog({
          properties: ['openFile'],
          filters: [{ name: 'Manifest (CSV)', extensions: ['csv'] }],
        })
      ).filePaths[0] ?? null,
  };
  registerIpc(createApiHandlers({ services, jobs, choose }), isOwnPage, log);
  protocol.handle(IMAGE_SCHEME, async (request) => {
    const response = await serveImage(library, request.url);
    return new Response(response.body, {
      status: response.status,
      headers: { 'content-type': response.contentType, 'cache-control': 'no-store' },
    });
  });
  startRetrainSchedule(library, jobs, log);
  createMainWindow();
  // macOS keeps the app alive without windows; clicking the dock icon brings one back.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
}

/** Retrains on the library's schedule; a finished run (not a skip) is told in a desktop notification. */
function startRetrainSchedule(library: Library, jobs: JobRunner, log: AppLog): void {
  const scheduler = new RetrainScheduler(library, jobs, systemClock, {
    onOutcome: ({ outcome }) => {
      log.write('info', `scheduled retraining: ${outcome.kind}`);
      if (outcome.kind === 'skipped' || !Notification.isSupported()) return;
      new Notification(describeScheduledOutcome(outcome)).show();
    },
    onError: (error) => log.write('error', `scheduled retraining: ${String(error)}`),
  });
  scheduler.start();
  // After a sleep, check at once rather than at the next minute's tick.
  powerMonitor.on('resume', () => scheduler.tickInBackground());
  // Stops before the library closes: the library's own will-quit listener was registered earlier.
  app.prependListener('will-quit', () => scheduler.stop());
}

// Before the app is ready: the image scheme behaves like https (origin, fetch) for the window only.
protocol.registerSchemesAsPrivileged([
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error(error);
    app.exit(1);
  });
}
