import { createHash } from 'node:crypto';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  EMBEDDING_LAYER,
  EMBEDDING_SIZE,
  LABELS_FILE,
  PROVENANCE_FILE,
  type Provenance,
} from '../../src/main/model/network/backbone';
import { INPUT_SCALE, INPUT_SIZE, INPUT_ZERO_POINT } from '../../src/main/model/network/preprocess';
import { buildGraph } from './graph';
import { readTflite } from './tflite-model';
import { float16Bits, type Weight, type WeightStorage } from './weights';

/** Bump when the converter's output changes for the same input, so provenance tells builds apart. */
export const CONVERTER_VERSION = '1.0.0';
const SHARD_BYTES = 4 * 1024 * 1024;

/** Where the shipped source came from (see ../shared/models/mobilenet_v2/SOURCES.md). */
const ORIGIN = 'github.com/google-coral/test_data@104342d2d3480b3e66203073dac24f4e2dbb4c41';
const MODEL_NAMES: Record<string, string> = {
  'mobilenet_v2_1.0_224_quant.tflite': 'mobilenet_v2-1.0-224-quant',
  'tf2_mobilenet_v2_1.0_224_ptq.tflite': 'mobilenet_v2-1.0-224-tf2-ptq',
};

export interface ConvertInput {
  tflite: Uint8Array;
  fileName: string;
  labels: string;
  license: string;
  storage?: WeightStorage;
}

/**
 * Converts in memory and returns every output file by name. No timestamps, no absolute paths and a
 * fixed weight order, so converting the same source twice gives the same bytes.
 */
export function convertTflite(input: ConvertInput): Map<string, Buffer> {
  const storage = input.storage ?? 'uint8';
  const graph = buildGraph(readTflite(input.tflite), storage);
  try {
    const { specs, data } = packWeights(graph.weights);
    const shards = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
    const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
    const modelJson = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: `melanoma-triage tools/convert-tflite v${CONVERTER_VERSION}`,
      modelTopology: graph.model.toJSON(undefined, false),
      weightsManifest: [{ paths, weights: specs }],
    };
    const provenance: Provenance = {
      model: MODEL_NAMES[input.fileName] ?? path.basename(input.fileName, '.tflite'),
      source: {
        file: input.fileName,
        sha256: createHash('sha256').update(input.tflite).digest('hex'),
        origin: ORIGIN,
        license: 'Apache-2.0',
      },
      converter: { name: 'tools/convert-tflite', version: CONVERTER_VERSION },
      weights: storage,
      input: { size: INPUT_SIZE, scale: INPUT_SCALE, zeroPoint: INPUT_ZERO_POINT },
      embedding: { layer: EMBEDDING_LAYER, size: EMBEDDING_SIZE },
    };
    const files = new Map<string, Buffer>([
      ['model.json', Buffer.from(JSON.stringify(modelJson) + '\n')],
      [PROVENANCE_FILE, Buffer.from(JSON.stringify(provenance, null, 2) + '\n')],
      [LABELS_FILE, Buffer.from(input.labels)],
      ['LICENSE', Buffer.from(input.license)],
    ]);
    paths.forEach((p, i) => files.set(p, data.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES)));
    return files;
  } finally {
    graph.model.dispose();
  }
}

function packWeights(weights: Weight[]): { specs: tf.io.WeightsManifestEntry[]; data: Buffer } {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const { name, shape, encoded } of weights) {
    if (encoded.dtype === 'uint8') {
      const { scale, min } = encoded;
      specs.push({ name, shape, dtype: 'float32', quantization: { dtype: 'uint8', scale, min } });
      chunks.push(Buffer.from(encoded.codes.buffer, encoded.codes.byteOffset, encoded.codes.byteLength));
    } else if (encoded.dtype === 'float16') {
      specs.push({ name, shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      const bits = float16Bits(encoded.values);
      chunks.push(Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength));
    } else {
      specs.push({ name, shape, dtype: 'float32' });
      chunks.push(Buffer.from(encoded.values.buffer, encoded.values.byteOffset, encoded.values.byteLength));
    }
  }
  return { specs, data: Buffer.concat(chunks) };
}
