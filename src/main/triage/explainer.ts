import type { Library } from '../library';
import type { ModelProcessPool } from '../model/process/pool';
import type { ResourcePaths } from '../resources';
import { explainImage, type ImageExplanation } from './explain';
import { currentModel, modelProcessConfig } from './model-session';

/**
 * Heatmaps for the image view, one after another as the user pages through: loading the backbone takes
 * seconds and a map a fraction of one, so each map is computed on a process of the pool, which keeps it
 * warm between requests. A newly active model or another backend setting is another configuration, so
 * it gets a process of its own, and the old one is stopped when idle.
 */
export class Explainer {
  constructor(
    private readonly library: Library,
    private readonly resources: ResourcePaths,
    private readonly pool: ModelProcessPool,
  ) {}

  explain(imageId: number): Promise<ImageExplanation> {
    const model = currentModel(this.library, this.resources);
    const config = modelProcessConfig(this.resources, this.library.settings.get('backend'), model);
    return this.pool.use(config, (modelProcess) => explainImage(this.library, modelProcess, model, imageId));
  }
}
