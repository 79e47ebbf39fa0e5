import type { Library } from '../../src/main/library';
import type { ModelProcessPool } from '../../src/main/model/process/pool';
import { resourcePaths } from '../../src/main/resources';
import { createServices, type Services } from '../../src/main/services';
import { testModelPool } from './model-pool';

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
