import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Library } from '../../library/index';
import type { ModelRecord } from '../../library/models';
import { readArtifactFile, type ModelArtifact } from './artifact';
import { LibraryError } from '../../library/errors';
import { readTopWeights, topBytes, type TopLocation } from '../network/top-file';
import type { ResourcePaths } from '../../resources';

export type { ModelArtifact } from './artifact';

const MODELS_DIR = 'models';
const ARTIFACT_FILE = 'model.json';
/** A deep-retrained model's own copy of the shipped training set, embedded through its top. */
const TRAINING_DIR = 'training';

/** A new version name, sortable by time: head-20260301T101500Z-3f9a. */
export function newVersion(kind: string, at = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Writes a model's folder into the library atomically: a temporary folder renamed into place, so a
 * crash leaves either the whole folder or none (a stray temporary folder is harmless).
 */
export function writeModelFiles(dataDir: string, artifact: ModelArtifact, topDir?: string): string {
  const root = path.join(dataDir, MODELS_DIR);
  fs.mkdirSync(root, { recursive: true });
  const temporary = fs.mkdtempSync(path.join(root, `.tmp-${artifact.version}-`));
  if (artifact.top) {
    if (!topDir) throw new Error(`Model ${artifact.version}: no folder to copy its top from`);
    // Read back and checked against the manifest, so a damaged file is never copied into the library.
    fs.writeFileSync(path.join(temporary, artifact.top.file), topBytes(readTopWeights(topDir, artifact.top)));
    const training = ownTrainingSetDir(topDir);
    if (fs.existsSync(training)) fs.cpSync(training, ownTrainingSetDir(temporary), { recursive: true });
  }
  fs.writeFileSync(path.join(temporary, ARTIFACT_FILE), JSON.stringify(artifact));
  const relative = path.join(MODELS_DIR, artifact.version);
  fs.renameSync(temporary, path.join(dataDir, relative));
  return relative;
}

/**
 * Model files never change once written (a new version gets a new folder), so each is parsed and
 * checked once per process: scoring a page or an image no longer reads its JSON again.
 */
const artifactCache = new Map<string, ModelArtifact>();
const ARTIFACT_CACHE_SIZE = 16;

export function readModelFiles(
  dataDir: string,
  record: Pick<ModelRecord, 'artifactPath' | 'version'>,
): ModelArtifact {
  const file = path.join(modelDir(dataDir, record), ARTIFACT_FILE);
  const cached = artifactCache.get(file);
  if (cached?.version === record.version) return cached;
  let artifact: ModelArtifact;
  try {
    artifact = readArtifactFile(file);
  } catch (error) {
    throw new Error(`Model ${record.version}: ${(error as Error).message}`);
  }
  if (artifact.version !== record.version) {
    throw new Error(`Model ${record.version}: ${file} is not this model's file`);
  }
  if (artifactCache.size >= ARTIFACT_CACHE_SIZE) artifactCache.clear();
  artifactCache.set(file, artifact);
  return artifact;
}

/** Stores a trained model in the library as a candidate (or rejected) version. */
export function registerModel(
  library: Library,
  artifact: ModelArtifact,
  status: 'candidate' | 'rejected',
  /** Where the model's top file is now, when it has one (its parent's folder, or resources). */
  topDir?: string,
): ModelRecord {
  const artifactPath = writeModelFiles(library.dataDir, artifact, topDir);
  library.models.insert({
    version: artifact.version,
    kind: artifact.kind,
    backbone: artifact.backbone,
    status,
    threshold: artifact.threshold,
    metrics: artifact.metrics,
    artifactPath,
    parentVersion: artifact.provenance.parentVersion,
    provenance: artifact.provenance,
  });
  return library.models.byVersion(artifact.version) as ModelRecord;
}

/** The shipped default model, read from resources. */
export function readShippedModel(defaultModelDir: string): ModelArtifact {
  return readArtifactFile(path.join(defaultModelDir, ARTIFACT_FILE));
}

/**
 * Makes the shipped default the library's first version when it has no active model, so every library can
 * be ranked from its first import and rolled back to the default later. Called where a library is opened
 * for use and by the jobs that write (ranking, retraining): reads never register anything.
 */
export function ensureShippedDefault(library: Library, defaultModelDir: string): ModelRecord {
  const active = library.models.active();
  if (active) return active;
  const shipped = readShippedModel(defaultModelDir);
  return library.transaction(() => {
    const record =
      library.models.byVersion(shipped.version) ??
      registerModel(library, shipped, 'candidate', defaultModelDir);
    const activated = library.models.activate(record.version);
    library.audit.record('system', 'model.activate', `model:${activated.version}`, {
      reason: 'shipped default',
    });
    return activated;
  });
}

/** The library's active model; refused by name when it has none (see ensureShippedDefault). */
export function activeModel(library: Library): { record: ModelRecord; artifact: ModelArtifact } {
  const record = library.models.active();
  if (!record) {
    throw new LibraryError(
      `The library in ${library.dataDir} has no active model yet: import or rank images first.`,
      'not-found',
    );
  }
  return { record, artifact: readModelFiles(library.dataDir, record) };
}

/** The folder a stored model's files are in. */
export function modelDir(dataDir: string, record: Pick<ModelRecord, 'artifactPath'>): string {
  return path.join(dataDir, record.artifactPath);
}

/** What the model process needs to compute a model's embeddings: its fine-tuned top, if any. */
export function topConfig(artifact: ModelArtifact, dir: string): TopLocation | undefined {
  return artifact.top && { dir, manifest: artifact.top };
}

/**
 * Where the training set that a model's embeddings match is: its own copy when its top was retrained
 * at the clinic, else the one shipped with the default model.
 */
export function trainingSetDirOf(dir: string, resources: Pick<ResourcePaths, 'trainingSetDir'>): string {
  const own = ownTrainingSetDir(dir);
  return fs.existsSync(own) ? own : resources.trainingSetDir;
}

/** The folder a model's own training set is written to before the model is stored (see trainingSetDirOf). */
export function ownTrainingSetDir(dir: string): string {
  return path.join(dir, TRAINING_DIR);
}

export function shippedModelFile(defaultModelDir: string): string {
  return path.join(defaultModelDir, ARTIFACT_FILE);
}
