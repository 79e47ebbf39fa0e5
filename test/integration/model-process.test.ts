import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ModelProcess,
  ModelProcessError,
  forkModelProcess,
  type ModelTransport,
} from '../../src/main/model/process/host';
import { resourcePaths } from '../../src/main/resources';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();
const fixtures = fs
  .readdirSync(HAM_FIXTURES)
  .sort()
  .map((name, i) => ({ imageId: i + 1, path: path.join(HAM_FIXTURES, name) }));

/** The real forked model process, with a handle on its transport so a test can kill it. */
function startModelProcess(): { modelProcess: ModelProcess; transports: ModelTransport[] } {
  const transports: ModelTransport[] = [];
  const modelProcess = new ModelProcess({ backboneDir: resourcePaths().backboneDir, backend: 'wasm' }, () => {
    const transport = forkModelProcess();
    transports.push(transport);
    return transport;
  });
  return { modelProcess, transports };
}

async function embedAll(
  modelProcess: ModelProcess,
  images: Array<{ imageId: number; path: string }>,
): Promise<{ vectors: Map<number, Float32Array>; errors: Array<[number, string, string]> }> {
  const vectors = new Map<number, Float32Array>();
  const errors: Array<[number, string, string]> = [];
  await modelProcess.embed(images, {
    onEmbedded: (id, vector) => vectors.set(id, vector),
    onImageError: (id, file, message) => errors.push([id, file, message]),
  });
  return { vectors, errors };
}

describe('the model process', () => {
  const started: ModelProcess[] = [];
  afterEach(() => {
    for (const p of started.splice(0)) p.close();
  });

  it('reports its backend and why, and embeds images as 1280-d vectors, the same every time', async () => {
    const { modelProcess } = startModelProcess();
    started.push(modelProcess);
    const backend = await modelProcess.backend();
    expect(backend.name).toBe('wasm');
    expect(backend.reason).toMatch(/^wasm: chosen \((no )?SIMD, 1 thread\), as the setting asks$/);
    expect(backend.backboneVersion).toMatch(/^mobilenet_v2-1\.0-224-quant@[0-9a-f]{12}$/);

    const first = await embedAll(modelProcess, fixtures);
    const again = await embedAll(modelProcess, [...fixtures].reverse());
    expect(first.errors).toEqual([]);
    expect([...first.vectors.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const [id, vector] of first.vectors) {
      expect(vector).toHaveLength(1280);
      // Global average pooling of ReLU6 activations: every feature lies in [0, 6].
      expect(Math.min(...vector)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...vector)).toBeLessThanOrEqual(6);
      expect(again.vectors.get(id)).toEqual(vector);
    }
    // Different lesions, different embeddings.
    expect(first.vectors.get(1)).not.toEqual(first.vectors.get(2));
  }, 120_000);

  it('names each image it cannot read and embeds the rest', async () => {
    const { modelProcess } = startModelProcess();
    started.push(modelProcess);
    const broken = path.join(tmp(), 'broken.jpg');
    fs.writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const missing = path.join(tmp(), 'gone.jpg');
    const { vectors, errors } = await embedAll(modelProcess, [
      { imageId: 7, path: broken },
      fixtures[0] as { imageId: number; path: string },
      { imageId: 8, path: missing },
    ]);
    expect([...vectors.keys()]).toEqual([1]);
    expect(errors.map(([id, file]) => [id, file]).sort()).toEqual([
      [7, broken],
      [8, missing],
    ]);
    expect(errors.find(([id]) => id === 8)?.[2]).toMatch(/ENOENT/);
  }, 120_000);

  it('stops an embedding when cancelled', async () => {
    const { modelProcess } = startModelProcess();
    started.push(modelProcess);
    await modelProcess.backend();
    const many = Array.from({ length: 400 }, (_, i) => ({
      imageId: i,
      path: fixtures[i % 4]?.path as string,
    }));
    const controller = new AbortController();
    let seen = 0;
    const run = modelProcess.embed(many, {
      signal: controller.signal,
      onEmbedded: () => {
        if (++seen === 16) controller.abort();
      },
      onImageError: () => undefined,
    });
    await expect(run).rejects.toMatchObject({ name: 'ModelProcessError', cancelled: true });
    expect(seen).toBeLessThan(many.length);
  }, 120_000);

  it('fails the requests in flight when the process dies, and starts afresh for the next', async () => {
    const { modelProcess, transports } = startModelProcess();
    started.push(modelProcess);
    await modelProcess.backend();
    const many = Array.from({ length: 400 }, (_, i) => ({
      imageId: i,
      path: fixtures[i % 4]?.path as string,
    }));
    let killed = false;
    const run = modelProcess.embed(many, {
      onEmbedded: () => {
        if (!killed) {
          killed = true;
          transports[0]?.kill();
        }
      },
      onImageError: () => undefined,
    });
    await expect(run).rejects.toThrow(ModelProcessError);
    await expect(run).rejects.toThrow(/the model process stopped/);
    const { vectors } = await embedAll(modelProcess, fixtures.slice(0, 1));
    expect(vectors.get(1)).toHaveLength(1280);
    expect(transports).toHaveLength(2);
  }, 120_000);
});
