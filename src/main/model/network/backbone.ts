import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { fileSystemHandler } from './fs-io-handler';
import { dihedralTensor, inverseDihedral } from './dihedral';
import { fusedForward } from './fused-forward';
import { toppedVersion, type TopManifest } from './top-file';
import { describeTop, topWeightsFromModel, type TopDescription, type TopWeight } from './trainable-top';
import { INPUT_SIZE } from './preprocess';

/** The converter names the global-average-pool layer this, so the embedding is found by name. */
export const EMBEDDING_LAYER = 'global_average_pool';
export const EMBEDDING_SIZE = 1280;
export const PROVENANCE_FILE = 'provenance.json';
export const LABELS_FILE = 'labels.txt';

export const provenanceSchema = z.object({
  /** e.g. mobilenet_v2-1.0-224-quant */
  model: z.string().min(1),
  source: z.object({
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    origin: z.string(),
    license: z.string(),
  }),
  converter: z.object({ name: z.string(), version: z.string() }),
  weights: z.enum(['uint8', 'float16', 'float32']),
  input: z.object({ size: z.number(), scale: z.number(), zeroPoint: z.number() }),
  embedding: z.object({ layer: z.string(), size: z.number() }),
});
export type Provenance = z.infer<typeof provenanceSchema>;

export interface Backbone {
  readonly inputSize: number;
  readonly embeddingSize: number;
  /** `<model>@<first 12 hex of the source's sha256>`: embeddings from different versions never mix. */
  readonly version: string;
  readonly provenance: Provenance;
  /** The 1001 ImageNet class names (index 0 is "background"), in classify's output order. */
  readonly labels: readonly string[];
  /** [N, 224, 224, 3] → [N, 1280]: the global-average-pooled features. */
  embed(batch: tf.Tensor4D): tf.Tensor2D;
  /** [N, 224, 224, 3] → [N, 1001] ImageNet probabilities; used to prove the conversion. */
  classify(batch: tf.Tensor4D): tf.Tensor2D;
  /** [N, 224, 224, 3] → [N, 7, 7, 1280]: the map the embedding averages, for class-activation maps. */
  featureMap(batch: tf.Tensor4D): tf.Tensor4D;
  /** The network split at `cut` for deep retraining: the frozen part's output and the trainable rest. */
  splitAt(cut: string): BackboneSplit;
  dispose(): void;
}

export interface BackboneSplit {
  /** [H, W, C] of the activations at the cut. */
  shape: [number, number, number];
  /** [N, 224, 224, 3] → [N, H, W, C]: what the frozen part computes, cached once per image. */
  activations(batch: tf.Tensor4D): tf.Tensor4D;
  /** The top (the layers after the cut up to the embedding; see README.md) and its current weights. */
  top: TopDescription;
  weights: TopWeight[];
}

/** A fine-tuned top to put in place of the shipped one (a deep-retrained model's): its manifest and weights. */
export interface BackboneTop {
  manifest: TopManifest;
  weights: readonly TopWeight[];
}

/** The shipped backbone's provenance, checked. */
export async function readProvenance(dir: string): Promise<Provenance> {
  return provenanceSchema.parse(JSON.parse(await fs.readFile(path.join(dir, PROVENANCE_FILE), 'utf8')));
}

/** `<model>@<first 12 hex of the source's sha256>`, the version of the shipped backbone's embeddings. */
export const baseVersion = (provenance: Provenance): string =>
  `${provenance.model}@${provenance.source.sha256.slice(0, 12)}`;

export async function loadBackbone(dir: string, fineTuned?: BackboneTop): Promise<Backbone> {
  const provenance = await readProvenance(dir);
  const labels = (await fs.readFile(path.join(dir, LABELS_FILE), 'utf8')).split('\n').filter((l) => l !== '');
  const model = await tf.loadLayersModel(fileSystemHandler(path.join(dir, 'model.json')));
  if (fineTuned) replaceTop(model, fineTuned);
  const pool = model.getLayer(provenance.embedding.layer);
  const beforePool = pool.inboundNodes[0]?.inboundLayers[0]?.name;
  const last = model.layers.at(-1)?.name;
  if (!beforePool || !last) throw new Error(`${dir}: the model has no layer before ${pool.name}`);
  const transforms = fineTuned?.manifest.testTransforms;
  const mapper = transforms
    ? averagedMap(model, fineTuned.manifest.cut, beforePool, transforms)
    : fusedForward(model, beforePool);
  // Averaged over transforms, the embedding is the averaged map's global average, as the pool layer computes.
  const embedder = transforms
    ? (input: tf.Tensor4D) => tf.tidy(() => tf.mean(mapper(input), [1, 2]))
    : fusedForward(model, pool.name);
  const classifier = fusedForward(model, last);
  const classes = model.outputs[0]?.shape[1];
  const embeddingShape = (pool.output as tf.SymbolicTensor).shape;
  if (provenance.input.size !== INPUT_SIZE || embeddingShape[1] !== provenance.embedding.size) {
    model.dispose();
    throw new Error(`${dir}: the model's shapes do not match its provenance.json`);
  }
  if (classes !== labels.length) {
    model.dispose();
    throw new Error(`${dir}: ${labels.length} labels for ${classes} classes`);
  }

  const checked = (batch: tf.Tensor4D): tf.Tensor4D => {
    const [, h, w, c] = batch.shape;
    if (h !== INPUT_SIZE || w !== INPUT_SIZE || c !== 3) {
      throw new Error(`backbone input must be [N, ${INPUT_SIZE}, ${INPUT_SIZE}, 3], got [${batch.shape}]`);
    }
    return batch;
  };
  return {
    inputSize: INPUT_SIZE,
    embeddingSize: provenance.embedding.size,
    version: toppedVersion(baseVersion(provenance), fineTuned?.manifest),
    provenance,
    labels,
    embed: (batch) => embedder(checked(batch)) as tf.Tensor2D,
    classify: (batch) => classifier(checked(batch)) as tf.Tensor2D,
    featureMap: (batch) => mapper(checked(batch)) as tf.Tensor4D,
    splitAt: (cut) => {
      const top = describeTop(model, cut, pool.name);
      const [, h, w, c] = (model.getLayer(cut).output as tf.SymbolicTensor).shape;
      const toCut = fusedForward(model, cut);
      return {
        shape: [h as number, w as number, c as number],
        activations: (batch) => toCut(checked(batch)) as tf.Tensor4D,
        top,
        // The shipped top's, or the fine-tuned top's where one was put in its place.
        weights: topWeightsFromModel(model, top),
      };
    },
    dispose: () => void model.dispose(),
  };
}

/**
 * The feature map averaged over flips and turns of the activations at the cut: the frozen part runs once,
 * the top once per transform (in one batch), and each transform's map is turned back to the image's own
 * orientation before averaging, so a class-activation map of it points at the regions the averaged
 * embedding (its global average) was scored on.
 */
function averagedMap(
  model: tf.LayersModel,
  cut: string,
  beforePool: string,
  transforms: readonly number[],
): (input: tf.Tensor4D) => tf.Tensor {
  const toCut = fusedForward(model, cut);
  const fromCut = fusedForward(model, beforePool, cut);
  return (input) =>
    tf.tidy(() => {
      const atCut = toCut(input) as tf.Tensor4D;
      const copies = fromCut(tf.concat(transforms.map((t) => dihedralTensor(atCut, t)))) as tf.Tensor4D;
      const maps = tf.split(copies, transforms.length);
      const turnedBack = transforms.map((t, i) => dihedralTensor(maps[i] as tf.Tensor4D, inverseDihedral(t)));
      return tf.div(tf.addN(turnedBack), transforms.length);
    });
}

/** Sets the fine-tuned kernel and bias of each layer the top names; shapes must match the shipped ones. */
function replaceTop(model: tf.LayersModel, fineTuned: BackboneTop): void {
  const byName = new Map(fineTuned.weights.map((w) => [w.name, w]));
  const layers = new Set(fineTuned.weights.map((w) => w.name.split('/')[0] as string));
  for (const name of layers) {
    const layer = model.getLayer(name);
    const current = layer.getWeights();
    const replaced = ['kernel', 'bias'].map((part, i) => {
      const weight = byName.get(`${name}/${part}`);
      const shape = current[i]?.shape;
      if (!weight || !shape || weight.shape.join() !== shape.join()) {
        throw new Error(`the model's top does not fit the backbone at ${name}/${part}`);
      }
      return tf.tensor(weight.values, weight.shape);
    });
    layer.setWeights(replaced);
    replaced.forEach((t) => t.dispose());
  }
}

/** Stacks preprocessed images (see imageToInput) into one batch tensor. */
export function toBatch(inputs: readonly Float32Array[]): tf.Tensor4D {
  const size = INPUT_SIZE * INPUT_SIZE * 3;
  const data = new Float32Array(inputs.length * size);
  inputs.forEach((input, i) => {
    if (input.length !== size) throw new Error(`input ${i} has ${input.length} values, expected ${size}`);
    data.set(input, i * size);
  });
  return tf.tensor4d(data, [inputs.length, INPUT_SIZE, INPUT_SIZE, 3]);
}
