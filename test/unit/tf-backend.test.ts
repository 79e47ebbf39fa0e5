import { BACKEND_NAMES } from '../../src/api/settings';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKEND_CANDIDATES,
  BACKEND_ENV,
  chooseBackend,
  initBackend,
  type BackendCandidate,
  type BackendName,
} from '../../src/main/model/network/tf-backend';

/** A loader that behaves as if only `present` were installed, failing the others as Node would. */
function simulated(present: BackendName[], broken: BackendName[] = []) {
  const tried: BackendName[] = [];
  const loader = async (c: BackendCandidate): Promise<string | void> => {
    tried.push(c.name);
    if (broken.includes(c.name)) throw new Error(`${c.name} init failed\nstack`);
    if (!present.includes(c.name)) {
      throw Object.assign(new Error(`Cannot find module '${c.module ?? c.name}'`), {
        code: 'MODULE_NOT_FOUND',
      });
    }
  };
  return { loader, tried };
}

describe('backend fallback', () => {
  const inherited = process.env[BACKEND_ENV];
  beforeEach(() => {
    delete process.env[BACKEND_ENV];
  });
  afterEach(() => {
    if (inherited === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = inherited;
  });

  it('tries the native GPU build, then native CPU, then wasm, then plain JS', () => {
    expect(BACKEND_CANDIDATES.map((c) => c.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    // The settings offer the same names, in the same order.
    expect([...BACKEND_NAMES]).toEqual(BACKEND_CANDIDATES.map((c) => c.name));
  });

  it('takes tfjs-node when the GPU build is missing, and says why', async () => {
    const { loader, tried } = simulated(['tfjs-node', 'wasm', 'cpu']);
    const choice = await chooseBackend(BACKEND_CANDIDATES, loader);
    expect(choice.name).toBe('tfjs-node');
    expect(tried).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    expect(choice.reason).toBe(
      "tfjs-node-gpu: not installed (Cannot find module '@tensorflow/tfjs-node-gpu'); tfjs-node: chosen",
    );
  });

  it('falls back to wasm when neither native build is installed, and to cpu when wasm fails', async () => {
    expect((await chooseBackend(BACKEND_CANDIDATES, simulated(['wasm', 'cpu']).loader)).name).toBe('wasm');
    const choice = await chooseBackend(BACKEND_CANDIDATES, simulated(['wasm', 'cpu'], ['wasm']).loader);
    expect(choice.name).toBe('cpu');
    expect(choice.reason).toContain('wasm: failed (wasm init failed)');
  });

  it('reports every failure when nothing starts', async () => {
    await expect(chooseBackend(BACKEND_CANDIDATES, simulated([]).loader)).rejects.toThrow(
      /no TensorFlow.js backend could start: tfjs-node-gpu: not installed .*cpu: not installed/,
    );
  });

  it('takes the setting, and TRIAGE_BACKEND over it', async () => {
    expect(await initBackend('cpu')).toEqual({ name: 'cpu', reason: 'cpu: chosen, as the setting asks' });
    process.env[BACKEND_ENV] = 'wasm';
    const fromEnv = await initBackend('cpu');
    expect(fromEnv.name).toBe('wasm');
    expect(fromEnv.reason).toMatch(/^wasm: chosen \((no )?SIMD, 1 thread\), as TRIAGE_BACKEND asks$/);
  });

  it('rejects an unknown backend name with the valid ones', async () => {
    process.env[BACKEND_ENV] = 'gpu';
    await expect(initBackend()).rejects.toThrow(
      /unknown backend "gpu".*auto, tfjs-node-gpu, tfjs-node, wasm, cpu/,
    );
  });

  it('reports a missing native build instead of crashing', async () => {
    let installed = true;
    try {
      createRequire(__filename).resolve('@tensorflow/tfjs-node');
    } catch {
      installed = false;
    }
    const attempt = initBackend('tfjs-node');
    if (installed) expect((await attempt).name).toBe('tfjs-node');
    else await expect(attempt).rejects.toThrow(/tfjs-node: not installed \(Cannot find module/);
  });
});
