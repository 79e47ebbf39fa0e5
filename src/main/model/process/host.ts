import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CurvePoint, TrainResult } from '../training/head';
import type { ActivationMap, LinearHead } from '../network/class-activation';
import type {
  ActivationCacheRequest,
  DeepJobProgress,
  TopTrainingOutcome,
  TopTrainingRequest,
} from '../training/deep-job';
import type { DeepEpoch } from '../training/train-top';
import type {
  BackendReport,
  HeadTrainingRequest,
  ModelMessage,
  ModelProcessConfig,
  ModelRequest,
} from './protocol';

/** How the host reaches a model process: fork() here, utilityProcess in the app. */
export interface ModelTransport {
  send(request: ModelRequest): void;
  onMessage(listener: (message: ModelMessage) => void): void;
  onExit(listener: (description: string) => void): void;
  kill(): void;
}

/** Forks the model process: the TypeScript source through tsx in a checkout, the bundle when built. */
export function forkModelProcess(): ModelTransport {
  const here = path.dirname(__filename);
  const source = path.join(here, 'worker.ts');
  const child: ChildProcess = fs.existsSync(source)
    ? fork(source, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'inherit' })
    : fork(path.join(here, 'model-worker.js'), [], { serialization: 'advanced', stdio: 'inherit' });
  return {
    send: (request) => child.send(request),
    onMessage: (listener) => child.on('message', (message) => listener(message as ModelMessage)),
    onExit: (listener) =>
      child.on('exit', (code, signal) =>
        listener(signal ? `killed by ${signal}` : `exited with code ${code}`),
      ),
    kill: () => child.kill(),
  };
}

export class ModelProcessError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'ModelProcessError';
  }
}

interface Pending {
  onMessage: (message: ModelMessage) => void;
  reject: (error: Error) => void;
}

/**
 * The library side's handle on the model process: requests with progress, cancellation, and a clear
 * failure (never a hang) when the process dies; the next request starts a fresh one. Hosts take them
 * from a ModelProcessPool (pool.ts), which starts them the host's way.
 */
export class ModelProcess {
  private transport: ModelTransport | undefined;
  private ready: Promise<BackendReport> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    /** What it computes: the backbone, the backend asked for, the fine-tuned top. */
    readonly config: ModelProcessConfig,
    private readonly start: () => ModelTransport = forkModelProcess,
    /** Hears of a process that stopped on its own; the app tells the user. */
    private readonly onUnexpectedExit: (description: string) => void = () => undefined,
  ) {}

  /** Starts the process if needed; says which backend it uses and why. */
  backend(): Promise<BackendReport> {
    if (!this.ready) {
      const ready = this.request<BackendReport>({ kind: 'init', config: this.config }, (message, done) => {
        if (message.kind === 'ready') done(message.report);
      });
      ready.catch(() => (this.ready = undefined));
      this.ready = ready;
    }
    return this.ready;
  }

  /** Embeds images by path; each vector or per-image error is reported as it comes. */
  async embed(
    images: Array<{ imageId: number; path: string }>,
    handlers: {
      onEmbedded: (imageId: number, vector: Float32Array) => void;
      onImageError: (imageId: number, path: string, message: string) => void;
      signal?: AbortSignal;
    },
  ): Promise<void> {
    await this.backend();
    await this.request<void>(
      { kind: 'embed', images },
      (message, done) => {
        if (message.kind === 'embedded') handlers.onEmbedded(message.imageId, message.vector);
        else if (message.kind === 'image-error')
          handlers.onImageError(message.imageId, message.path, message.message);
        else if (message.kind === 'done') done(undefined);
      },
      handlers.signal,
    );
  }

  async trainHead(
    options: HeadTrainingRequest,
    handlers: { onEpoch?: (point: CurvePoint) => void; signal?: AbortSignal } = {},
  ): Promise<TrainResult> {
    return this.request<TrainResult>(
      { kind: 'train-head', options },
      (message, done) => {
        if (message.kind === 'epoch') handlers.onEpoch?.(message.point);
        else if (message.kind === 'trained') done(message.result);
      },
      handlers.signal,
    );
  }

  /** Writes the activations at a cut of image files to a half-precision file (kept if already whole). */
  async cacheActivations(
    request: ActivationCacheRequest,
    handlers: { onProgress?: (progress: DeepJobProgress) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    await this.backend();
    await this.request<void>(
      { kind: 'cache-activations', request },
      (message, done) => {
        if (message.kind === 'deep-progress') handlers.onProgress?.(message.progress);
        else if (message.kind === 'done') done(undefined);
      },
      handlers.signal,
    );
  }

  /** Fine-tunes the top of the process's backbone with a head, on cached activations. */
  async trainTop(
    request: TopTrainingRequest,
    handlers: {
      onEpoch?: (point: DeepEpoch) => void;
      onProgress?: (progress: DeepJobProgress) => void;
      signal?: AbortSignal;
    } = {},
  ): Promise<TopTrainingOutcome> {
    await this.backend();
    return this.request<TopTrainingOutcome>(
      { kind: 'train-top', request },
      (message, done) => {
        if (message.kind === 'deep-epoch') handlers.onEpoch?.(message.point);
        else if (message.kind === 'deep-progress') handlers.onProgress?.(message.progress);
        else if (message.kind === 'deep-trained') done(message.outcome);
      },
      handlers.signal,
    );
  }

  /** The class-activation map of `head` (on raw pooled features) on one image; see class-activation.ts. */
  async explain(image: { imageId: number; path: string }, head: LinearHead): Promise<ActivationMap> {
    await this.backend();
    return this.request<ActivationMap>({ kind: 'explain', image, head }, (message, done) => {
      if (message.kind === 'explained') done(message.map);
    });
  }

  close(): void {
    this.transport?.kill();
    this.transport = undefined;
    this.ready = undefined;
  }

  private request<T>(
    body: DistributiveOmit<ModelRequest, 'requestId'>,
    onMessage: (message: ModelMessage, done: (value: T) => void) => void,
    signal?: AbortSignal,
  ): Promise<T> {
    const transport = this.connect();
    const requestId = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(new ModelProcessError('cancelled', true));
      const cancel = (): void => transport.send({ kind: 'cancel', requestId });
      signal?.addEventListener('abort', cancel, { once: true });
      const finish = (): void => {
        this.pending.delete(requestId);
        signal?.removeEventListener('abort', cancel);
      };
      this.pending.set(requestId, {
        onMessage: (message) => {
          if (message.kind === 'error') {
            finish();
            reject(new ModelProcessError(message.message, message.cancelled));
          } else {
            onMessage(message, (value) => {
              finish();
              resolve(value);
            });
          }
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      transport.send({ ...body, requestId } as ModelRequest);
    });
  }

  private connect(): ModelTransport {
    if (this.transport) return this.transport;
    const transport = this.start();
    transport.onMessage((message) => this.pending.get(message.requestId)?.onMessage(message));
    transport.onExit((description) => {
      if (this.transport !== transport) return;
      this.transport = undefined;
      this.ready = undefined;
      const error = new ModelProcessError(`the model process stopped (${description})`);
      for (const pending of [...this.pending.values()]) pending.reject(error);
      this.onUnexpectedExit(description);
    });
    this.transport = transport;
    return transport;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
