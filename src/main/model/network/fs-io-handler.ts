import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * Loads a tfjs layers model (model.json + binary shards) straight from disk. tfjs-node would provide
 * this, but it is an optional native dependency, and loading must work on the wasm and cpu backends too.
 */
export function fileSystemHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = path.dirname(path.resolve(modelJsonPath));
  return {
    load: async () => {
      const parsed: unknown = JSON.parse(await fs.readFile(modelJsonPath, 'utf8'));
      if (!isModelJson(parsed)) throw new Error(`${modelJsonPath} is not a TensorFlow.js layers model`);
      return tf.io.getModelArtifactsForJSON(parsed, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const shards = await Promise.all(
          manifest.flatMap((group) => group.paths).map((p) => fs.readFile(insideDir(dir, p))),
        );
        const all = Buffer.concat(shards);
        const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
        return [specs, data];
      });
    },
  };
}

/** A manifest is data: it may name files beside model.json, never outside its folder. */
function insideDir(dir: string, relative: string): string {
  const full = path.resolve(dir, relative);
  if (path.dirname(full) !== dir) throw new Error(`weights path "${relative}" leaves the model folder`);
  return full;
}

/** The shape check tfjs leaves to the caller; the topology itself is checked when the model is built. */
function isModelJson(value: unknown): value is tf.io.ModelJSON {
  const v = value as Partial<tf.io.ModelJSON> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.modelTopology === 'object' &&
    Array.isArray(v.weightsManifest) &&
    v.weightsManifest.every((g) => Array.isArray(g.paths) && Array.isArray(g.weights))
  );
}
