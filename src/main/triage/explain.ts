import { LibraryError, type Library } from '../library';
import { foldStandardisation } from '../model/training/head';
import type { ModelProcess } from '../model/process/host';
import type { ModelLocation } from './model-session';

/** Where in one image a model sees melanoma: its class-activation map, ready to draw. */
export interface ImageExplanation {
  /** The model version whose map this is. */
  model: string;
  rows: number;
  columns: number;
  /** rows × columns cells, row-major: 0 the image's least, 1 its most melanoma-like region. */
  cells: number[];
  /** The melanoma probability of the least and the most melanoma-like region, each as if it were the whole image. */
  lowest: number;
  highest: number;
}

/**
 * The class-activation map of `model` on a stored image, computed in the model process, which must
 * compute `model`'s embeddings (its backbone and fine-tuned top). The head's standardisation is folded
 * into its weights, so each cell is the logit the model would give an image made of that region alone.
 */
export async function explainImage(
  library: Library,
  modelProcess: ModelProcess,
  model: ModelLocation,
  imageId: number,
): Promise<ImageExplanation> {
  const image = library.images.byId(imageId);
  if (!image) throw new LibraryError(`No image with id ${imageId} in the library.`, 'not-found');
  const { artifact } = model;
  const backend = await modelProcess.backend();
  if (backend.backboneVersion !== artifact.backbone) {
    throw new Error(
      `model ${artifact.version} reads ${artifact.backbone} features; the model process computes ${backend.backboneVersion}`,
    );
  }
  const { head } = artifact;
  const folded = foldStandardisation(head.mean, head.std, head.weights, head.bias);
  const path = library.store.originalPath(image.sha256, image.format);
  let map;
  try {
    map = await modelProcess.explain(
      { imageId, path },
      { weights: Float32Array.from(folded.weights), bias: folded.bias },
    );
  } catch (error) {
    throw new Error(
      `The heatmap of ${image.originalName} could not be computed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { model: artifact.version, rows: map.rows, columns: map.columns, ...scaleCells(map.values) };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The map's logits scaled to 0..1 between its extremes; a flat map (no region stands out) is all 0. */
export function scaleCells(
  logits: ArrayLike<number>,
): Pick<ImageExplanation, 'cells' | 'lowest' | 'highest'> {
  const values = Array.from(logits);
  if (values.length === 0 || !values.every(Number.isFinite)) {
    throw new RangeError(`a class-activation map needs finite values, got [${values.join(', ')}]`);
  }
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low;
  return {
    cells: values.map((v) => (span > 0 ? (v - low) / span : 0)),
    lowest: sigmoid(low),
    highest: sigmoid(high),
  };
}
