import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Library } from '../library';
import type { ModelRecord } from '../library/models';
import type { HeadParams } from './head';
import { readTopWeights, topBytes, type TopManifest } from './deep/top-file';
import type { ModelProcessConfig } from './process/protocol';
import type { ResourcePaths } from '../resources';

/** Everything needed to score with a model and to tell where it came from. Plain JSON on disk. */
export interface ModelArtifact {
  format: 'triage-model-v1';
  version: string;
  /** 'deep' when the top of the backbone was fine-tuned too; its weights are then in the model's folder. */
  kind: 'head' | 'deep';
  backbone: string;
  /** The fine-tuned top the embeddings go through, when the model has one. */
  top?: TopManifest;
  head: HeadParams;
  /** Probabilities at or above it are flagged suspicious. */
  threshold: number;
  targetSensitivity: number;
  /** How the head was trained, so a retraining uses the same recipe. */
  hyperparameters: { l2: number };
  metrics: unknown;
  provenance: {
    parentVersion: string | null;
    trainedAt: string;
    /** The newest label the training saw: what "trained on the labels as of" means. */
    labelSnapshot: string | null;
    counts: Record<string, number>;
    backend: string;
    seed: number;
  };
}

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

export function readModelFiles(
  dataDir: string,
  record: Pick<ModelRecord, 'artifactPath' | 'version'>,
): ModelArtifact {
  const file = path.join(modelDir(dataDir, record), ARTIFACT_FILE);
  let artifact: ModelArtifact;
  try {
    artifact = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelArtifact;
  } catch (error) {
    throw new Error(`Model ${record.version}: cannot read ${file}: ${(error as Error).message}`);
  }
  if (artifact.format !== 'triage-model-v1' || artifact.version !== record.version) {
    throw new Error(`Model ${record.version}: ${file} is not this model's file`);
  }
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
  const file = path.join(defaultModelDir, ARTIFACT_FILE);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ModelArtifact;
}

/**
 * The active model, or the shipped default made the library's first version when it has none yet, so
 * every library can be ranked from its first import and rolled back to the default later.
 */
export function activeModel(
  library: Library,
  defaultModelDir: string,
): { record: ModelRecord; artifact: ModelArtifact } {
  let record = library.models.active();
  if (!record) {
    const shipped = readShippedModel(defaultModelDir);
    record =
      library.models.byVersion(shipped.version) ??
      registerModel(library, shipped, 'candidate', defaultModelDir);
    record = library.models.activate(record.version);
    library.audit.record('system', 'model.activate', `model:${record.version}`, {
      reason: 'shipped default',
    });
  }
  return { record, artifact: readModelFiles(library.dataDir, record) };
}

/** The folder a stored model's files are in. */
export function modelDir(dataDir: string, record: Pick<ModelRecord, 'artifactPath'>): string {
  return path.join(dataDir, record.artifactPath);
}

/** What the model process needs to compute a model's embeddings: its fine-tuned top, if any. */
export function topConfig(artifact: ModelArtifact, dir: string): ModelProcessConfig['top'] {
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
