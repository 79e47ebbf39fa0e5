import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder of what ships beside the code (the backbone, the default model, its training
 * embeddings). Found by walking up from this file, which sits at different depths in the sources
 * (src/main) and in the bundle (out/main); the packaged app passes process.resourcesPath instead.
 */
export function findResourcesDir(start = path.dirname(__filename)): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'resources');
    if (fs.existsSync(path.join(candidate, 'backbone'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`No resources folder with a backbone above ${start}`);
  }
}

export interface ResourcePaths {
  root: string;
  backboneDir: string;
  /** The shipped default model: its head and report. */
  defaultModelDir: string;
  /** Embeddings of the default model's training set, so retraining keeps what it knew. */
  trainingSetDir: string;
}

export function resourcePaths(root = findResourcesDir()): ResourcePaths {
  return {
    root,
    backboneDir: path.join(root, 'backbone', 'mobilenet_v2'),
    defaultModelDir: path.join(root, 'models', 'default'),
    trainingSetDir: path.join(root, 'training', 'ham10000'),
  };
}
