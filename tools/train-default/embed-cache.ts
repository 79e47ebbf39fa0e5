import fs from 'node:fs';
import path from 'node:path';
import type { ModelProcess } from '../../src/main/model/process/host';

export const embeddingsCacheFile = (cacheDir: string, backboneVersion: string, count: number): string =>
  path.join(cacheDir, `${backboneVersion.replace(/[^\w.-]/g, '_')}-${count}.f32`);

/** Embeddings cached by an earlier run, or undefined. */
export function cachedEmbeddings(
  cacheDir: string,
  backboneVersion: string,
  count: number,
): Float32Array | undefined {
  const cache = embeddingsCacheFile(cacheDir, backboneVersion, count);
  if (!fs.existsSync(cache)) return undefined;
  const bytes = fs.readFileSync(cache);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/**
 * Embeds image files through the model process, caching the result under .cache/ by backbone version:
 * embedding 10,015 images takes minutes, and the training that follows is what one iterates on.
 */
export async function embedFiles(
  modelProcess: ModelProcess,
  files: string[],
  cacheDir: string,
): Promise<{ values: Float32Array; dimension: number }> {
  const { backboneVersion } = await modelProcess.backend();
  const cache = embeddingsCacheFile(cacheDir, backboneVersion, files.length);
  const cached = cachedEmbeddings(cacheDir, backboneVersion, files.length);
  if (cached) return { values: cached, dimension: cached.length / files.length };
  const vectors: Float32Array[] = new Array<Float32Array>(files.length);
  const started = Date.now();
  let done = 0;
  await modelProcess.embed(
    files.map((file, i) => ({ imageId: i, path: file })),
    {
      onEmbedded: (i, vector) => {
        vectors[i] = vector;
        if (++done % 500 === 0) {
          const rate = done / ((Date.now() - started) / 1000);
          process.stderr.write(`embedded ${done}/${files.length} (${rate.toFixed(1)} images/s)\n`);
        }
      },
      onImageError: (_i, file, message) => {
        throw new Error(`${file}: ${message}`);
      },
    },
  );
  const dimension = vectors[0]?.length ?? 0;
  const values = new Float32Array(files.length * dimension);
  vectors.forEach((v, i) => values.set(v, i * dimension));
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(cache, Buffer.from(values.buffer));
  return { values, dimension };
}
