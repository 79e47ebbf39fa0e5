/**
 * The model process: TensorFlow.js, the backbone and head training live here, away from the library
 * and the window, so a long computation never blocks them and a native crash cannot take them down.
 * Forked by the CLI and the tests; hosted as a utilityProcess by the app.
 */
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { loadBackbone, type Backbone } from '../network/backbone';
import { readTopWeights } from '../network/top-file';
import { cacheActivations, trainTopJob, type DeepJobProgress } from '../training/deep-job';
import { imageToInput } from '../network/preprocess';
import { initBackend } from '../network/tf-backend';
import { trainHeadAsync, TrainingAbortedError } from '../training/head';
import { classActivationMap, type ActivationMap, type LinearHead } from '../network/class-activation';
import type { BackendReport, ModelMessage, ModelRequest } from './protocol';
import { parentChannel } from './channel';

/** Images decoded while the previous batch runs through the network. */
const BATCH_SIZE = 16;

const channel = parentChannel();
const post = (message: ModelMessage): void => channel.post(message);
const running = new Map<number, AbortController>();
let backbone: Backbone | undefined;
let report: BackendReport | undefined;

channel.onMessage((request: ModelRequest) => {
  if (request.kind === 'cancel') {
    running.get(request.requestId)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(request.requestId, controller);
  handle(request, controller.signal)
    .catch((error: unknown) => {
      const cancelled = controller.signal.aborted || error instanceof TrainingAbortedError;
      post({
        kind: 'error',
        requestId: request.requestId,
        message: cancelled ? 'cancelled' : error instanceof Error ? error.message : String(error),
        cancelled,
      });
    })
    .finally(() => running.delete(request.requestId));
});

async function handle(
  request: Exclude<ModelRequest, { kind: 'cancel' }>,
  signal: AbortSignal,
): Promise<void> {
  switch (request.kind) {
    case 'init': {
      if (!report) {
        const chosen = await initBackend(request.config.backend);
        const { fineTunedTop: top } = request.config;
        backbone = await loadBackbone(
          request.config.backboneDir,
          top && { manifest: top.manifest, weights: readTopWeights(top.dir, top.manifest) },
        );
        report = { ...chosen, backboneVersion: backbone.version };
      }
      post({ kind: 'ready', requestId: request.requestId, report });
      return;
    }
    case 'embed':
      await embed(request.requestId, request.images, signal);
      post({ kind: 'done', requestId: request.requestId });
      return;
    case 'train-head': {
      const result = await trainHeadAsync({
        ...request.options,
        signal,
        onEpoch: (point) => post({ kind: 'epoch', requestId: request.requestId, point }),
      });
      post({ kind: 'trained', requestId: request.requestId, result });
      return;
    }
    case 'cache-activations': {
      await cacheActivations(initialised(), request.request, signal, progressOf(request.requestId));
      post({ kind: 'done', requestId: request.requestId });
      return;
    }
    case 'train-top': {
      const outcome = await trainTopJob(
        initialised(),
        request.request,
        signal,
        (point) => post({ kind: 'deep-epoch', requestId: request.requestId, point }),
        progressOf(request.requestId),
      );
      post({ kind: 'deep-trained', requestId: request.requestId, outcome });
      return;
    }
    case 'explain': {
      const map = await explain(request.image, request.head);
      post({ kind: 'explained', requestId: request.requestId, imageId: request.image.imageId, map });
      return;
    }
  }
}

function initialised(): Backbone {
  if (!backbone) throw new Error('the model process was not initialised');
  return backbone;
}

function progressOf(requestId: number): (progress: DeepJobProgress) => void {
  return (progress) => post({ kind: 'deep-progress', requestId, progress });
}

async function explain(image: { imageId: number; path: string }, head: LinearHead): Promise<ActivationMap> {
  const backbone = initialised();
  let input: Float32Array;
  try {
    input = await imageToInput(await fs.promises.readFile(image.path));
  } catch (error) {
    throw new Error(`image ${image.imageId} (${image.path}): ${(error as Error).message}`);
  }
  return classActivationMap(backbone, input, head);
}

interface Decoded {
  imageId: number;
  input: Float32Array;
}

async function embed(
  requestId: number,
  images: Array<{ imageId: number; path: string }>,
  signal: AbortSignal,
): Promise<void> {
  const model = initialised();
  const decode = async (batch: typeof images): Promise<Decoded[]> => {
    const decoded = await Promise.all(
      batch.map(async ({ imageId, path }) => {
        try {
          return { imageId, input: await imageToInput(await fs.promises.readFile(path)) };
        } catch (error) {
          post({ kind: 'image-error', requestId, imageId, path, message: (error as Error).message });
          return undefined;
        }
      }),
    );
    return decoded.filter((d): d is Decoded => d !== undefined);
  };
  const size = model.inputSize;
  let next = decode(images.slice(0, BATCH_SIZE));
  for (let start = 0; start < images.length; start += BATCH_SIZE) {
    const batch = await next;
    if (signal.aborted) throw new Error('cancelled');
    // Decoding of the next batch runs on libuv's threads while this one runs through the network.
    next = decode(images.slice(start + BATCH_SIZE, start + 2 * BATCH_SIZE));
    if (batch.length === 0) continue;
    const pixels = new Float32Array(batch.length * size * size * 3);
    batch.forEach((d, i) => pixels.set(d.input, i * size * size * 3));
    const vectors = tf.tidy(() => model.embed(tf.tensor4d(pixels, [batch.length, size, size, 3])));
    const values = (await vectors.data()) as Float32Array;
    vectors.dispose();
    const dimension = values.length / batch.length;
    batch.forEach((d, i) => {
      const vector = values.slice(i * dimension, (i + 1) * dimension);
      post({ kind: 'embedded', requestId, imageId: d.imageId, vector });
    });
  }
  await next;
}
