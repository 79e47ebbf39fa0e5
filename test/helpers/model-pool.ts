import { ModelProcessPool } from '../../src/main/model/process/pool';

/**
 * One test file's model processes, as one app has one pool. Stopped after each file's tests by
 * test/setup.ts, which every test file loads: this module imports the pool alone, because the
 * services' module graph registers the tfjs backends and a test of plain tensors would then find
 * wasm chosen but never made ready. It stays free of vitest, since bench:queue serves the app
 * through the e2e harness outside it.
 */
let shared: ModelProcessPool | undefined;

export function testModelPool(): ModelProcessPool {
  shared ??= new ModelProcessPool();
  return shared;
}

export function closeTestModelPool(): void {
  shared?.close();
  shared = undefined;
}
