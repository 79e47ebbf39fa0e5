import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, type BackendName } from '../../../api/settings';

/**
 * Picks the TensorFlow.js backend at run time, fastest first. The native bindings are optional
 * dependencies that fail to install on many machines, so their absence is a reason in the report, not a
 * crash; wasm ships with the app and always works; cpu is the pure-JS last resort.
 */

export type { BackendName };

export interface BackendCandidate {
  name: BackendName;
  /** The backend name tfjs registers, which is what tf.setBackend takes. */
  tfName: 'tensorflow' | 'wasm' | 'cpu';
  /** The npm package that provides it; undefined when @tensorflow/tfjs itself does. */
  module?: string;
}

export const BACKEND_CANDIDATES: readonly BackendCandidate[] = [
  { name: 'tfjs-node-gpu', tfName: 'tensorflow', module: '@tensorflow/tfjs-node-gpu' },
  { name: 'tfjs-node', tfName: 'tensorflow', module: '@tensorflow/tfjs-node' },
  { name: 'wasm', tfName: 'wasm', module: '@tensorflow/tfjs-backend-wasm' },
  { name: 'cpu', tfName: 'cpu' },
];

export const BACKEND_ENV = 'TRIAGE_BACKEND';

export interface BackendChoice {
  name: BackendName;
  /** Why this one: each candidate tried before it, with what went wrong, then what was chosen. */
  reason: string;
}

/** Makes a candidate the active backend, or throws saying why it cannot be. Returns a detail, if any. */
export type BackendLoader = (candidate: BackendCandidate) => Promise<string | void>;

export async function chooseBackend(
  candidates: readonly BackendCandidate[],
  loader: BackendLoader,
): Promise<BackendChoice> {
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      const detail = await loader(candidate);
      const chosen = `${candidate.name}: chosen${detail ? ` (${detail})` : ''}`;
      return { name: candidate.name, reason: [...failures, chosen].join('; ') };
    } catch (error) {
      failures.push(`${candidate.name}: ${describeFailure(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${failures.join('; ')}`);
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' ? `not installed (${firstLine})` : `failed (${firstLine})`;
}

/**
 * Initialises tfjs. `preferred` is the app's setting ('auto' or a backend name); TRIAGE_BACKEND, when
 * set, overrides it, because an environment variable is a deliberate per-run choice (a benchmark, a test,
 * a support session). A named backend is the only one tried, and failing to start it is an error: a
 * benchmark that silently ran on another backend would report the wrong thing.
 */
export async function initBackend(preferred = 'auto'): Promise<BackendChoice> {
  const fromEnv = process.env[BACKEND_ENV]?.trim();
  const wanted = fromEnv || preferred;
  const source = fromEnv ? BACKEND_ENV : 'the setting';
  if (wanted === 'auto') return chooseBackend(BACKEND_CANDIDATES, loadBackend);
  const candidate = BACKEND_CANDIDATES.find((c) => c.name === wanted);
  if (!candidate) {
    const names = ['auto', ...BACKEND_NAMES].join(', ');
    throw new Error(`unknown backend "${wanted}" (from ${source}); use one of ${names}`);
  }
  const choice = await chooseBackend([candidate], loadBackend);
  return { ...choice, reason: `${choice.reason}, as ${source} asks` };
}

// createRequire rather than import: the native packages may be absent, and a static import would make
// this module fail to load at all (and bundlers would try to resolve them).
const requireOptional = createRequire(__filename);
let wasmPathsSet = false;

async function loadBackend(candidate: BackendCandidate): Promise<string | void> {
  if (candidate.module && candidate.tfName === 'tensorflow') requireOptional(candidate.module);
  if (candidate.tfName === 'wasm' && !wasmPathsSet) {
    // In Node the wasm binaries are read from disk; threads are unavailable there, SIMD is not.
    const dist = path.join(
      path.dirname(requireOptional.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    setWasmPaths(dist + path.sep);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(candidate.tfName)))
    throw new Error(`tf.setBackend('${candidate.tfName}') failed`);
  await tf.ready();
  if (candidate.tfName === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return `${simd ? 'SIMD' : 'no SIMD'}, 1 thread`;
  }
}
