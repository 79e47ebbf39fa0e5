import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectIntactAfterKill,
  expectNoRunningRun,
  labeledFixtureLibrary,
  retrainingSnapshot,
} from '../helpers/retrain-kills';
import { smallResources } from '../helpers/small-resources';
import { DEEP_RECIPE } from '../../src/main/model/training/train-top';

const KILLS = 4;
const CHILD = path.join(__dirname, '..', 'helpers', 'deep-retrain-child.ts');

function deepRetrain(dataDir: string, resources: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, resources], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finished(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

/**
 * A deep retraining killed with SIGKILL at points spread over a whole run, half of them while the shipped
 * images' activations are being written: the active model, every label and the activation cache must
 * come through, and the next deep retraining must complete.
 */
describe('a deep retraining killed with SIGKILL', () => {
  let root = '';
  let dataDir = '';
  let resources = '';
  let cacheDir = '';
  let runMs = 0;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-deep-crash-'));
    dataDir = await labeledFixtureLibrary(root);
    resources = smallResources(root).root;
    cacheDir = path.join(dataDir, 'cache', 'activations');
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const started = performance.now();
    const first = await finished(deepRetrain(dataDir, resources));
    runMs = performance.now() - started;
    expect(first.code, first.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (let kill = 0; kill < KILLS; kill++) {
    it(`keeps the active model, every label and the activation cache through kill ${kill + 1} of ${KILLS}`, async () => {
      // Every other kill starts without the shipped activations, so it can land while they are written.
      if (kill % 2 === 0) fs.rmSync(cacheDir, { recursive: true, force: true });
      const before = retrainingSnapshot(dataDir);
      expect(before.active).toHaveLength(1);
      const delay = Math.round(((kill + Math.random()) / KILLS) * runMs);
      const context = `kill after ${delay} ms of a ${runMs.toFixed(0)} ms deep retraining`;
      const child = deepRetrain(dataDir, resources);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await finished(child);
      clearTimeout(timer);

      expectIntactAfterKill(dataDir, before, context);

      const next = await finished(deepRetrain(dataDir, resources));
      expect(next.code, `${context}; the next deep retraining: ${next.stderr}`).toBe(0);
      // What the killed run left is gone; the shipped activations are whole (one file for the
      // photographs and one per augmented copy, no temporary).
      expect(fs.readdirSync(cacheDir).sort(), context).toEqual([
        ...Array.from({ length: DEEP_RECIPE.imageVariants }, (_, v) =>
          expect.stringMatching(new RegExp(`-ham10000-72-[0-9a-f]{8}-variant${v + 1}\\.f16$`)),
        ),
        expect.stringMatching(/-ham10000-72-[0-9a-f]{8}\.f16$/),
      ]);
      expectNoRunningRun(dataDir);
    }, 180_000);
  }
});
