/**
 * The renderer in a real Chromium against the real main-process handlers, for end-to-end tests and the
 * queue benchmark. The built renderer is served by Vite's preview server on 127.0.0.1; the API crosses
 * a test-only loopback bridge that speaks the contract's channels (each call runs through
 * createChannelHandlers, the same validation ipc.ts wires to ipcMain) and answers only requests that
 * carry the page's random token. In the page, window.api is built the way the preload builds it: one
 * function per channel, imageUrl and onJobEvent.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { taggedMessage } from '../../src/api/call-errors';
import { apiChannels } from '../../src/api/channels';
import type { JobEvent } from '../../src/api/jobs';
import { createApiHandlers, createChannelHandlers, type ApiHandlers } from '../../src/main/api-handlers';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { servicesFor } from '../helpers/services';
import { IMAGE_SCHEME, serveImage } from '../../src/main/image-protocol';
import type { Library } from '../../src/main/library';

export const CHROMIUM = '/usr/bin/chromium';
const repoRoot = resolve(__dirname, '../..');
const BRIDGE = '/__bridge/';
const IMAGES = '/__images/';

export interface AppPage {
  page: Page;
  /** Everything the page logged as an error, failed responses included: tests expect it empty. */
  errors: string[];
  /** Sends a job event to the page, as main's webContents.send does. */
  emit(event: JobEvent): void;
}

export interface OpenOptions extends BrowserContextOptions {
  /**
   * Milliseconds between opening the window and navigating it to the app. Chromium loads its own
   * toolbar pages (the omnibox popup) as a window opens, about a second of CPU here, which an
   * Electron window does not: the queue benchmark lets that finish before it times the app's start.
   */
  settleMs?: number;
}

/** Where tests save screenshots of the screens (the best are copied to docs/screenshots by hand). */
export const SCREENSHOT_DIR = join(tmpdir(), 'melanoma-triage-e2e');

export interface Harness {
  url: string;
  /** The electron-vite build the page is served from (main, preload, renderer), until close(). */
  outDir: string;
  /** A page of the app whose API calls go to `handlers`, with its own bridge token. */
  openApp(handlers: ApiHandlers, options?: OpenOptions): Promise<AppPage>;
  close(): Promise<void>;
}

/** One page's end of the bridge: its handlers, and its job-event streams (events wait for the first). */
interface Session {
  byChannel: ReturnType<typeof createChannelHandlers>;
  streams: Set<ServerResponse>;
  pending: JobEvent[];
}

/** Builds the renderer (into a fresh folder, so a concurrent build cannot swap files), serves it, starts Chromium. */
export async function startHarness(library: Library): Promise<Harness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the renderer tests need Debian's chromium (apt-get install chromium)`,
    );
  }
  const outDir = mkdtempSync(join(tmpdir(), 'triage-e2e-build-'));
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '--outDir',
      outDir,
      '--logLevel',
      'error',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  const sessions = new Map<string, Session>();
  const server = await preview({
    configFile: false,
    root: join(outDir, 'renderer'),
    logLevel: 'error',
    build: { outDir: join(outDir, 'renderer') },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
    plugins: [
      {
        name: 'triage:e2e-bridge',
        configurePreviewServer: (preview) => {
          preview.middlewares.use((request, response, next) => {
            void route(request, response, sessions, library).then((handled) => {
              if (!handled) next();
            });
          });
        },
      },
    ],
  });
  const url = previewUrl(server);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    url,
    outDir,
    openApp: (handlers, options) => openApp(browser, url, sessions, handlers, options),
    close: async () => {
      await browser.close();
      for (const session of sessions.values()) session.streams.forEach((stream) => stream.end());
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

function previewUrl(server: PreviewServer): string {
  const local = server.resolvedUrls?.local[0];
  if (!local) throw new Error('the preview server reported no local address');
  return local;
}

async function openApp(
  browser: Browser,
  url: string,
  sessions: Map<string, Session>,
  handlers: ApiHandlers,
  { settleMs = 0, ...options }: OpenOptions = {},
): Promise<AppPage> {
  const token = randomBytes(24).toString('hex');
  const session: Session = { byChannel: createChannelHandlers(handlers), streams: new Set(), pending: [] };
  sessions.set(token, session);
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 }, ...options });
  context.on('close', () => {
    session.streams.forEach((stream) => stream.end());
    sessions.delete(token);
  });
  // tsx (the benchmark runs under it) compiles with esbuild's keepNames, which wraps functions in a
  // module-level `__name` helper; functions sent to the page would then fail there without it.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await context.addInitScript(installBridgedApi, {
    channels: apiChannels,
    token,
    bridge: BRIDGE,
    images: IMAGES,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  if (settleMs > 0) await page.waitForTimeout(settleMs);
  await page.goto(url);
  const emit = (event: JobEvent): void => {
    if (session.streams.size === 0) session.pending.push(event);
    session.streams.forEach((stream) => stream.write(`data: ${JSON.stringify(event)}\n\n`));
  };
  return { page, errors, emit };
}

/** Runs in the page before its scripts: window.api over the bridge. Self-contained, as Playwright serialises it. */
function installBridgedApi(o: {
  channels: Record<string, string>;
  token: string;
  bridge: string;
  images: string;
}): void {
  const call = async (channel: string, request: unknown): Promise<unknown> => {
    const response = await fetch(`${o.bridge}call/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bridge-token': o.token },
      body: JSON.stringify({ request }),
    });
    const answer = (await response.json()) as { ok: true; value: unknown } | { ok: false; message: string };
    if (!answer.ok) throw new Error(answer.message);
    return answer.value;
  };
  const listeners = new Set<(event: unknown) => void>();
  let stream: EventSource | undefined;
  (globalThis as unknown as { api: unknown }).api = {
    ...Object.fromEntries(
      Object.entries(o.channels).map(([name, channel]) => [name, (r: unknown) => call(channel, r)]),
    ),
    imageUrl: (kind: string, imageId: number) => `${o.images}${kind}/${imageId}?token=${o.token}`,
    onJobEvent: (listener: (event: unknown) => void) => {
      listeners.add(listener);
      stream ??= new EventSource(`${o.bridge}events?token=${o.token}`);
      stream.onmessage = (message: { data: string }) => {
        const event: unknown = JSON.parse(message.data);
        listeners.forEach((l) => l(event));
      };
      return () => listeners.delete(listener);
    },
  };
}

/** The bridge's routes; false for everything else, which Vite serves from the built renderer. */
async function route(
  request: IncomingMessage,
  response: ServerResponse,
  sessions: Map<string, Session>,
  library: Library,
): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  // Chromium asks every http origin for a favicon; Electron, loading file://, does not. Not an error.
  if (url.pathname === '/favicon.ico') {
    response.writeHead(204).end();
    return true;
  }
  if (!url.pathname.startsWith(BRIDGE) && !url.pathname.startsWith(IMAGES)) return false;
  const token = request.headers['x-bridge-token'] ?? url.searchParams.get('token');
  const session = typeof token === 'string' ? sessions.get(token) : undefined;
  if (!session) {
    response.writeHead(403, { 'content-type': 'text/plain' }).end('no valid bridge token');
    return true;
  }
  if (url.pathname.startsWith(IMAGES)) {
    const served = await serveImage(library, `${IMAGE_SCHEME}://${url.pathname.slice(IMAGES.length)}`);
    response.writeHead(served.status, { 'content-type': served.contentType }).end(served.body);
    return true;
  }
  const endpoint = url.pathname.slice(BRIDGE.length);
  if (endpoint === 'events' && request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': connected\n\n');
    session.streams.add(response);
    request.on('close', () => session.streams.delete(response));
    for (const event of session.pending.splice(0)) response.write(`data: ${JSON.stringify(event)}\n\n`);
    return true;
  }
  const handle = endpoint.startsWith('call/')
    ? session.byChannel.get(decodeURIComponent(endpoint.slice(5)))
    : undefined;
  if (!handle || request.method !== 'POST') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`no bridge endpoint ${url.pathname}`);
    return true;
  }
  let answer: { ok: true; value: unknown } | { ok: false; message: string };
  try {
    const body = (await readJson(request)) as { request?: unknown };
    answer = { ok: true, value: await handle(body.request) };
  } catch (error) {
    // As ipc.ts sends it: the message, tagged with the error's code.
    answer = { ok: false, message: taggedMessage(error) };
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  return true;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/** The app's API handlers on `library`, as main wires them; the folder dialog answers `folders`. */
export function apiHandlersFor(
  library: Library,
  options: { emit?: (event: JobEvent) => void; folders?: string[]; user?: string } = {},
): ApiHandlers {
  const services = servicesFor(library, { actor: options.user ?? 'dr-test' });
  return createApiHandlers({
    services,
    jobs: new JobRunner(services, options.emit ?? (() => undefined)),
    choose: { folders: () => Promise.resolve(options.folders ?? []), manifest: () => Promise.resolve(null) },
  });
}
