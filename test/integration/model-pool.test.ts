import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forkModelProcess, type ModelTransport } from '../../src/main/model/process/host';
import { ModelProcessPool } from '../../src/main/model/process/pool';
import type { ModelProcessConfig } from '../../src/main/model/process/protocol';
import { resourcePaths } from '../../src/main/resources';
import { currentModel, modelProcessConfig } from '../../src/main/triage/model-session';
import { modelWorkers } from '../helpers/model-workers';
import { HAM_FIXTURES } from '../helpers/temp-dirs';

/**
 * The pool every host takes its model processes from, over real forked model processes: one per
 * configuration and reused, at most `capacity` alive, stopped when idle, and started afresh after a crash.
 */
const resources = resourcePaths();
const wasm = modelProcessConfig(resources, 'wasm', currentModel(undefined, resources));
/** Another configuration: the pool keys its processes by the whole configuration. */
const fixtures = fs.readdirSync(HAM_FIXTURES).filter((name) => name.endsWith('.jpg'));
const manyImages = Array.from({ length: 200 }, (_, i) => ({
  imageId: i + 1,
  path: path.join(HAM_FIXTURES, fixtures[i % fixtures.length] as string),
}));
const other: ModelProcessConfig = { ...wasm, backend: 'cpu' };

/** Counts the processes a pool starts, and ends each with a signal of the test's choosing. */
function countingStart(): { start: () => ModelTransport; started: () => number; exited: string[] } {
  let started = 0;
  const exited: string[] = [];
  return {
    start: () => {
      started++;
      const transport = forkModelProcess();
      transport.onExit((description) => exited.push(description));
      return transport;
    },
    started: () => started,
    exited,
  };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return done;
};

describe('the model process pool', () => {
  const pools: ModelProcessPool[] = [];
  afterEach(() => pools.splice(0).forEach((pool) => pool.close()));
  const poolWith = (options: ConstructorParameters<typeof ModelProcessPool>[0]): ModelProcessPool => {
    const pool = new ModelProcessPool(options);
    pools.push(pool);
    return pool;
  };

  it('lends one process per configuration and keeps it for the next task', async () => {
    const counting = countingStart();
    const pool = poolWith({ start: counting.start });
    const first = await pool.use(wasm, async (p) => ({ p, report: await p.backend() }));
    const second = await pool.use(wasm, async (p) => ({ p, report: await p.backend() }));
    expect(second.p).toBe(first.p);
    expect(first.report.name).toBe('wasm');
    expect(counting.started()).toBe(1);
    expect(pool.size()).toBe(1);
  }, 60_000);

  it('lends a busy configuration a second process, and makes a task wait while the pool is full', async () => {
    const pool = poolWith({ capacity: 2 });
    const a = await pool.acquire(wasm);
    const b = await pool.acquire(wasm);
    expect(b.process).not.toBe(a.process);
    expect(pool.tryAcquire(other)).toBeUndefined();
    const waiting = pool.acquire(other);
    expect(await settled(waiting)).toBe(false);
    // A released process is idle, so the waiting configuration takes its place.
    a.release();
    const c = await waiting;
    expect(c.process.config.backend).toBe('cpu');
    expect(pool.size()).toBe(2);
    b.release();
    c.release();
  }, 60_000);

  it('stops a process that stayed idle, and starts one again when asked', async () => {
    const counting = countingStart();
    const pool = poolWith({ start: counting.start, idleMs: 200 });
    await pool.use(wasm, (p) => p.backend());
    await expect.poll(() => counting.exited, { timeout: 10_000 }).toHaveLength(1);
    expect(pool.size()).toBe(0);
    await pool.use(wasm, (p) => p.backend());
    expect(counting.started()).toBe(2);
  }, 60_000);

  it('fails the task of a process that crashed, tells the host, and starts afresh on the next', async () => {
    const told: string[] = [];
    const counting = countingStart();
    const pool = poolWith({ start: counting.start, onUnexpectedExit: (d) => told.push(d) });
    const crashed = pool.use(wasm, async (p) => {
      await p.backend();
      // The worker dies as a native crash would, in the middle of a batch that takes seconds.
      const pending = p.embed(manyImages, {
        onEmbedded: () => undefined,
        onImageError: () => undefined,
      });
      process.kill(modelWorkers().at(-1) ?? 0, 'SIGKILL');
      return pending;
    });
    await expect(crashed).rejects.toThrow('the model process stopped (killed by SIGKILL)');
    expect(told).toEqual(['killed by SIGKILL']);
    const report = await pool.use(wasm, (p) => p.backend());
    expect(report.name).toBe('wasm');
    expect(counting.started()).toBe(2);
  }, 60_000);

  it('refuses to lend once closed, and stops every process', async () => {
    const counting = countingStart();
    const pool = poolWith({ start: counting.start });
    await pool.use(wasm, (p) => p.backend());
    pool.close();
    await expect.poll(() => counting.exited, { timeout: 10_000 }).toHaveLength(1);
    expect(() => pool.tryAcquire(wasm)).toThrow('the model process pool is closed');
  }, 60_000);
});
