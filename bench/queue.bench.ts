import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { importFolders } from '../src/main/importer/import-folders';
import { openLibrary, type Library } from '../src/main/library';
import type { QueueOptions } from '../src/main/library/predictions';
import { queuePlan } from '../src/main/library/queue';
import { readTrainingSet } from '../src/main/model/artifacts/training-set';
import { resourcePaths } from '../src/main/resources';
import { rankCurrent } from '../src/main/triage/model-session';
import { apiHandlersFor, startHarness } from '../test/e2e/harness';
import { fillLibrary } from '../test/helpers/large-library';

/**
 * The triage queue of a 100,000-image library in Chromium: the time from navigation to the first
 * ranked thumbnails painted, and the frame times while the queue scrolls through most of its length.
 * The library is real (SQLite file, image store, the shipped model's scores written by the ranking
 * code); its rows share the files of four imported photographs and the shipped HAM10000 embeddings,
 * since decoding 100,000 photographs would take hours. `npm run bench:queue`.
 */

const IMAGES = 100_000;
/** The test fixtures' four HAM10000 photographs (test/helpers/temp-dirs.ts needs vitest). */
const HAM_FIXTURES = path.resolve(__dirname, '..', 'test', 'fixtures', 'ham10000');
const TARGETS = { firstPageMs: 1000, p95FrameMs: 50 };
/** Each load a fresh browser context, as a fresh start of the app: nothing cached. */
const LOADS = 5;
/** How long a new window is left before the app is loaded into it. */
const SETTLE_MS = 3000;
const VIEWPORT = { width: 1280, height: 800 };
/** Frames of the scripted scroll, and how far each moves (px): a brisk wheel, a scrollbar drag, a wheel. */
const SCROLL = { wheelFrames: 240, wheelStep: 60, dragFrames: 600, dragTo: 0.9 };

async function main(): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-bench-queue-'));
  const library = openLibrary(dataDir);
  try {
    console.log(`node ${process.version}, ${os.cpus().length} CPUs, library in ${dataDir}`);
    await buildLibrary(library);
    printQueries(library);

    const harness = await startHarness(library);
    try {
      const handlers = (): ReturnType<typeof apiHandlersFor> => apiHandlersFor(library, { user: 'bench' });
      const firstPages: number[] = [];
      // Load 0, for reference only: navigated as soon as its window opens, so Chromium's own toolbar
      // pages load alongside the app (see OpenOptions.settleMs); the loads timed let them finish first.
      for (let load = 0; load <= LOADS; load++) {
        const settleMs = load === 0 ? 0 : SETTLE_MS;
        const { page, errors } = await harness.openApp(handlers(), { viewport: VIEWPORT, settleMs });
        const painted = await firstThumbnailsPainted(page);
        if (load > 0) firstPages.push(painted.screen);
        console.log(
          `load ${load}${load === 0 ? ' (window not settled, not counted)' : ''}: first thumbnail painted ` +
            `${painted.first.toFixed(0)} ms, first screen (${painted.count} thumbnails) ` +
            `${painted.screen.toFixed(0)} ms after navigation start` +
            (load === 0 ? ` (Chromium ${page.context().browser()?.version() ?? '?'})` : ''),
        );
        console.log(`  on the way: ${await milestones(page)}`);
        if (load < LOADS) {
          await page.context().close();
          continue;
        }
        const scroll = await scrollFrames(page);
        console.log(
          `scroll: ${scroll.deltas.length} frames over rows 0 → ${scroll.lastRow} of ${scroll.rows} ` +
            `(${scroll.columns} columns); cards in the DOM at most ${scroll.mostCards}`,
        );
        const frames = summary(scroll.deltas);
        console.log(`frame ms: ${frames.text}`);
        // The same scroll over a static page as tall: what this machine's Chromium does with no work.
        const blank = await page.context().newPage();
        await blank.setContent(`<div style="height: ${scroll.height}px"></div>`);
        console.log(
          `frame ms, same scroll over a blank page: ${summary((await scrollFrames(blank)).deltas).text}`,
        );
        if (errors.length > 0) console.log(`page errors: ${errors.slice(0, 5).join('; ')}`);
        // The median load, not the best: a start that is only sometimes fast does not meet the target.
        const firstPage = median(firstPages);
        const verdicts: Array<[string, boolean]> = [
          [
            `first ranked page ${firstPage.toFixed(0)} ms ≤ ${TARGETS.firstPageMs} ms (median of ${LOADS} loads; ` +
              `best ${Math.min(...firstPages).toFixed(0)} ms, worst ${Math.max(...firstPages).toFixed(0)} ms)`,
            firstPage <= TARGETS.firstPageMs,
          ],
          [
            `p95 frame ${frames.p95.toFixed(1)} ms ≤ ${TARGETS.p95FrameMs} ms`,
            frames.p95 <= TARGETS.p95FrameMs,
          ],
          ['no page errors', errors.length === 0],
        ];
        for (const [what, met] of verdicts) console.log(`${met ? 'PASS' : 'MISS'}  ${what}`);
        return verdicts.every(([, met]) => met) ? 0 : 1;
      }
      return 2;
    } finally {
      await harness.close();
    }
  } finally {
    library.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Four photographs imported, the rest of the 100,000 rows beside them, everything scored by the real model. */
async function buildLibrary(library: Library): Promise<void> {
  let started = performance.now();
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  await importFolders(library, {
    folders: [HAM_FIXTURES],
    patient: 'P-0000',
    study: 'Visit',
    actor: 'bench',
  });
  const imported = (library.db.prepare('SELECT id FROM images').pluck().all() as number[]).map((id) =>
    library.images.byId(id)!,
  );
  fillLibrary(library, {
    count: IMAGES - imported.length,
    embeddings: readTrainingSet(resourcePaths().trainingSetDir),
    filesOf: imported,
    patients: 500,
    labelEvery: 10,
  });
  console.log(`library: ${IMAGES} images written in ${seconds()} s`);
  started = performance.now();
  const ranked = await rankCurrent(library);
  console.log(
    `ranking: ${ranked.embedded} embedded, ${ranked.scored} scored by ${ranked.model} in ${seconds()} s`,
  );
  // As a library that grew over months: its write-ahead log folded into the file.
  library.db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Milliseconds per page in the library itself (median of 5), at the top, the middle and the end. */
function printQueries(library: Library): void {
  const model = library.models.active()!;
  const scope = { modelId: model.id, threshold: model.threshold, limit: 100 };
  const cases: Array<[string, Omit<QueueOptions, 'modelId' | 'threshold' | 'limit'>]> = [
    ['most suspicious first', { order: 'probability' }],
    ['unlabeled, most suspicious first', { order: 'probability', labeled: false }],
    ['label next', { order: 'uncertainty', labeled: false }],
  ];
  for (const [name, options] of cases) {
    const total = library.predictions.queueTotal({ ...scope, ...options });
    const times = [0, 0.5, 0.999].map((at) => {
      const offset = Math.floor(at * total);
      return median(
        Array.from({ length: 5 }, () =>
          time(() => library.predictions.queue({ ...scope, ...options, offset })),
        ),
      );
    });
    const count = median(
      Array.from({ length: 5 }, () => time(() => library.predictions.queueTotal({ ...scope, ...options }))),
    );
    console.log(
      `page of 100, ${name} (${total}): ${times.map((t) => t.toFixed(1)).join(' / ')} ms at the top / middle / end; ` +
        `total ${count.toFixed(1)} ms`,
    );
  }
  console.log(
    `plan: ${queuePlan(library.db, { ...scope, order: 'probability', offset: 50_000 }).join(' | ')}`,
  );
}

/** When the first ranked thumbnails were painted, in ms from navigation start (Element Timing). */
async function firstThumbnailsPainted(page: Page): Promise<{ first: number; screen: number; count: number }> {
  // Playwright's first call into a page runs its own script there, a sixth of a second of the main
  // thread on this machine: made while the app starts, it would slow what is measured.
  await page.waitForTimeout(3000);
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as PageGlobals;
      const images = [...document.querySelectorAll('[data-testid="queue-entry"] img')];
      return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
    },
    undefined,
    { timeout: 60_000 },
  );
  // Painted images report a frame or two after they decode.
  await page.waitForTimeout(200);
  const times = await page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const { PerformanceObserver } = globalThis as unknown as PageGlobals;
        new PerformanceObserver((list) =>
          resolve(list.getEntries().map((entry) => entry.renderTime || entry.loadTime)),
        ).observe({ type: 'element', buffered: true });
      }),
  );
  return { first: Math.min(...times), screen: Math.max(...times), count: times.length };
}

/** When the page's script, its first queue page and its first thumbnail arrived, from navigation start. */
async function milestones(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { performance } = globalThis as unknown as PageGlobals;
    const [navigation] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const first = (part: string): string => {
      const entry = resources.find((r) => r.name.includes(part));
      return entry ? `${entry.startTime.toFixed(0)}–${entry.responseEnd.toFixed(0)} ms` : '?';
    };
    return (
      `script ${first('/assets/startApp')}, DOMContentLoaded ${navigation?.domContentLoadedEventEnd.toFixed(0)} ms, ` +
      `queue call ${first('/__bridge/call/queue')}, first thumbnail ${first('/__images/thumb/')}`
    );
  });
}

/**
 * Scrolls the page frame by frame, as a person does: a brisk wheel from the top, a drag of the
 * scrollbar to 90 % of its height, a brisk wheel there; each frame's time is the gap between
 * requestAnimationFrame callbacks. Where the page is the queue, how far it went and the most cards
 * its grid held (sampled every 30 frames).
 */
async function scrollFrames(page: Page): Promise<{
  deltas: number[];
  height: number;
  lastRow: number;
  rows: number;
  columns: number;
  mostCards: number;
}> {
  return page.evaluate(
    (plan) =>
      new Promise((resolve) => {
        const window = globalThis as unknown as PageGlobals;
        const root = window.document.documentElement;
        const grid = window.document.querySelector('[aria-label="Ranked images"]');
        const style = grid && window.getComputedStyle(grid);
        const rowHeight = style ? Number.parseFloat(style.gridAutoRows) + Number.parseFloat(style.rowGap) : 1;
        const dragFrom = plan.wheelFrames * plan.wheelStep;
        const dragTo = plan.dragTo * (root.scrollHeight - window.innerHeight);
        const frames = 2 * plan.wheelFrames + plan.dragFrames;
        const deltas: number[] = [];
        let mostCards = 0;
        let previous: number | undefined;
        let frame = 0;
        const at = (f: number): number =>
          f < plan.wheelFrames
            ? f * plan.wheelStep
            : f < plan.wheelFrames + plan.dragFrames
              ? dragFrom + ((f - plan.wheelFrames) / plan.dragFrames) * (dragTo - dragFrom)
              : dragTo + (f - plan.wheelFrames - plan.dragFrames) * plan.wheelStep;
        const step = (now: number): void => {
          if (previous !== undefined) deltas.push(now - previous);
          previous = now;
          if (grid && frame % 30 === 0) {
            mostCards = Math.max(mostCards, grid.querySelectorAll(':scope > li').length);
          }
          if (frame === frames) {
            const box = grid?.getBoundingClientRect();
            resolve({
              deltas,
              height: root.scrollHeight,
              lastRow: box ? Math.floor(-box.top / rowHeight) : 0,
              rows: box ? Math.round(box.height / rowHeight) : 0,
              columns: style ? style.gridTemplateColumns.split(' ').length : 0,
              mostCards,
            });
            return;
          }
          window.scrollTo(0, at(frame));
          frame++;
          window.requestAnimationFrame(step);
        };
        window.requestAnimationFrame(step);
      }),
    SCROLL,
  );
}

/** Frame times as the benchmark reports them. */
function summary(deltas: number[]): { p95: number; text: string } {
  const sorted = [...deltas].sort((a, b) => a - b);
  const p95 = percentile(sorted, 0.95);
  const text =
    `p50 ${percentile(sorted, 0.5).toFixed(1)}, p95 ${p95.toFixed(1)}, ` +
    `max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} (${sorted.length} frames)`;
  return { p95, text };
}

/** The little of the page's globals the benchmark uses (it compiles without the DOM's types). */
interface PageGlobals {
  document: {
    documentElement: { scrollHeight: number };
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }>;
  };
  innerHeight: number;
  scrollY: number;
  scrollTo(x: number, y: number): void;
  requestAnimationFrame(callback: (now: number) => void): void;
  getComputedStyle(element: PageElement): {
    gridAutoRows: string;
    rowGap: string;
    gridTemplateColumns: string;
  };
  performance: {
    getEntriesByType(
      type: string,
    ): Array<{ name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd: number }>;
  };
  PerformanceObserver: new (
    callback: (list: { getEntries(): Array<{ renderTime: number; loadTime: number }> }) => void,
  ) => { observe(options: { type: string; buffered: boolean }): void };
}

interface PageElement {
  getBoundingClientRect(): { top: number; height: number };
  querySelectorAll(selector: string): { length: number };
}

function time(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** The value at quantile `q` of ascending `sorted`, by the nearest rank. */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
