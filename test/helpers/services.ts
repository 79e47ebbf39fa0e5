import type { Library } from '../../src/main/library';
import { ModelProcessPool } from '../../src/main/model/process/pool';
import { resourcePaths } from '../../src/main/resources';
import { createServices, type Services } from '../../src/main/services';

/**
 * One test file's model processes, as one app has one pool. Stopped after each file's tests by
 * test/setup.ts; this module stays free of vitest, since bench:queue serves the app through the e2e
 * harness outside it.
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

/** The application services over `library`, as the app builds them, acting as `actor`. */
export function servicesFor(
  library: Library,
  options: { actor?: string; models?: ModelProcessPool } = {},
): Services {
  return createServices({
    library,
    resources: resourcePaths(),
    models: options.models ?? testModelPool(),
    actor: options.actor ?? 'dr-test',
  });
}
