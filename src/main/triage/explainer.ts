import type { Library } from '../library';
import { forkModelProcess, ModelProcess, type ModelTransport } from '../model/process/host';
import type { ResourcePaths } from '../resources';
import { explainImage, type ImageExplanation } from './explain';
import { currentModel, modelProcessConfig } from './model-session';

/** How long a model process waits for the next heatmap before it is stopped. */
const IDLE_MS = 60_000;

/**
 * Heatmaps for the image view, one after another as the user pages through: loading the backbone
 * takes seconds and a map a fraction of one, so the model process is kept between requests. It is
 * started afresh when the active model or the backend setting changes, and stopped when idle.
 */
export class Explainer {
  private session: { key: string; modelProcess: ModelProcess } | undefined;
  private inFlight = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly library: Library,
    private readonly resources: ResourcePaths,
    private readonly start: () => ModelTransport = forkModelProcess,
    private readonly idleMs = IDLE_MS,
  ) {}

  async explain(imageId: number): Promise<ImageExplanation> {
    const model = currentModel(this.library, this.resources);
    const config = modelProcessConfig(this.resources, this.library.settings.get('backend'), model);
    const key = JSON.stringify(config);
    if (this.session?.key !== key) {
      // A map still being computed by the old process fails with "the model process stopped".
      this.session?.modelProcess.close();
      this.session = { key, modelProcess: new ModelProcess(config, this.start) };
    }
    const { modelProcess } = this.session;
    clearTimeout(this.idle);
    this.inFlight++;
    try {
      return await explainImage(this.library, modelProcess, model, imageId);
    } finally {
      if (--this.inFlight === 0) {
        this.idle = setTimeout(() => this.close(), this.idleMs);
        // A pending stop must not keep a CLI or a test process alive.
        this.idle.unref();
      }
    }
  }

  close(): void {
    clearTimeout(this.idle);
    this.session?.modelProcess.close();
    this.session = undefined;
  }
}
