import type { Library } from '../library';
import type { ModelRecord } from '../library/models';
import { predict, type CurvePoint, type HeadParams } from '../model/training/head';
import type { TopManifest } from '../model/network/top-file';
import { evaluate, rocAuc, type Evaluation } from '../model/training/metrics';
import type { ModelProcess } from '../model/process/host';
import type { HeadTrainingRequest } from '../model/process/protocol';
import {
  activeModel,
  ensureShippedDefault,
  newVersion,
  readShippedModel,
  modelDir,
  registerModel,
  trainingSetDirOf,
  type ModelArtifact,
} from '../model/artifacts/registry';
import { groupKey } from '../model/training/splits';
import {
  sensitivityEstimate,
  thresholdForSensitivity,
  type SensitivityEstimate,
} from '../model/training/threshold';
import { readTrainingSet, selectRows, type TrainingSet } from '../model/artifacts/training-set';
import { inValidationSet } from '../model/training/validation-set';
import type { ResourcePaths } from '../resources';
import type { ModelLocation } from './model-session';
import { embedMissing, rescore } from './ranking';

export interface RetrainReport {
  runId: number;
  candidate: string;
  parent: string;
  promoted: boolean;
  /** Why it was promoted or rejected, in words. */
  decision: string;
  threshold: number;
  /** On the whole validation set, weighted as in training. */
  candidateAuc: number;
  activeAuc: number;
  /** On the clinic's own validation images only. */
  local: {
    images: number;
    melanomas: number;
    candidate: Evaluation | null;
    active: Evaluation | null;
    sensitivity: SensitivityEstimate;
  };
  counts: Record<string, number>;
  curve: CurvePoint[];
}

/** Embeddings with labels, training weights, which are the clinic's own, and the fixed split. */
export interface WeightedSet {
  values: Float32Array;
  labels: Uint8Array;
  weights: Float32Array;
  local: Uint8Array;
  validation: Uint8Array;
}

export const HEAD_SEED = 7;

/**
 * The named steps of a retraining, announced as each starts: the CLI prints them, and the crash tests
 * place each kill inside one of them and check that it landed there.
 */
export type RetrainPhase = 'embedding' | 'activations' | 'training' | 'storing' | 'promoting';

/** What every retraining takes besides its model process: who asked, cancel, and what to tell as it goes. */
export interface RetrainOptions {
  actor: string;
  signal?: AbortSignal;
  onEpoch?: (point: CurvePoint) => void;
  onPhase?: (phase: RetrainPhase) => void;
}

/**
 * Retrains the head on the shipped training set plus the clinic's current labels (weighted up), on
 * everything outside the fixed validation set; compares the candidate with the active model on that
 * same set, keeps it only if it is not worse, and re-scores the library after a promotion. Every step
 * before the promotion writes nothing the active model depends on, so a crash leaves it as it was.
 */
export async function retrainHead(
  library: Library,
  modelProcess: ModelProcess,
  resources: ResourcePaths,
  options: RetrainOptions,
): Promise<RetrainReport> {
  const settings = library.settings.all();
  return trainingRun(library, 'head', { seed: HEAD_SEED, ...settings }, options.signal, async (runId) => {
    options.onPhase?.('embedding');
    const { backend } = await embedMissing(library, modelProcess, { signal: options.signal });
    ensureShippedDefault(library, resources.defaultModelDir);
    const active = activeModel(library);
    requireSameBackbone(active, backend.backboneVersion);
    const activeDir = modelDir(library.dataDir, active.record);
    const data = assemble(
      library,
      readTrainingSet(trainingSetDirOf(activeDir, resources)),
      backend.backboneVersion,
      settings.localLabelWeight,
    );
    // The shipped default's recipe, chosen by cross-validation when it was trained.
    const { hyperparameters } = readShippedModel(resources.defaultModelDir);
    const { request, validation, validationRows } = headTrainingRequest(data, hyperparameters.l2);
    options.onPhase?.('training');
    const result = await modelProcess.trainHead(request, {
      onEpoch: options.onEpoch,
      signal: options.signal,
    });
    return concludeRetraining(library, {
      runId,
      actor: options.actor,
      onPhase: options.onPhase,
      active,
      hyperparameters,
      validation: {
        y: validation.y,
        weights: validation.weights,
        local: Uint8Array.from(validationRows, (i) => data.local[i] as number),
      },
      counts: countRows(data, indices(data.validation, 0), validationRows),
      backend: backend.name,
      seed: HEAD_SEED,
      candidate: {
        kind: 'head',
        backbone: backend.backboneVersion,
        // A new head on the same embeddings: a fine-tuned top, if the parent has one, comes along.
        top: active.artifact.top,
        filesDir: activeDir,
        head: result.head,
        curve: result.curve,
        bestEpoch: result.bestEpoch,
        scores: predict(result.head, validation.x, validation.n),
        activeScores: predict(active.artifact.head, validation.x, validation.n),
      },
    });
  });
}

/** A retraining's result before it is judged: the model, and its and the active model's validation scores. */
export interface TrainedCandidate {
  kind: ModelArtifact['kind'];
  backbone: string;
  top?: TopManifest;
  /** The folder the candidate's files (its top, the training set through it) are copied from. */
  filesDir?: string;
  head: HeadParams;
  curve: CurvePoint[];
  bestEpoch: number;
  scores: Float32Array;
  activeScores: Float32Array;
}

/**
 * Judges a candidate against the active model on the same validation rows, stores it as a new version
 * (rejected, or a candidate), and promotes it when it is not worse: `beforePromotion` then runs first
 * (a new top needs the library embedded through it), and every image is re-scored.
 */
export async function concludeRetraining(
  library: Library,
  o: {
    runId: number;
    actor: string;
    onPhase?: (phase: RetrainPhase) => void;
    active: { record: ModelRecord; artifact: ModelArtifact };
    hyperparameters: ModelArtifact['hyperparameters'];
    validation: { y: Uint8Array; weights: Float32Array; local: Uint8Array };
    counts: Record<string, number>;
    backend: string;
    seed: number;
    candidate: TrainedCandidate;
    beforePromotion?: (model: ModelLocation) => Promise<void>;
  },
): Promise<RetrainReport> {
  const settings = library.settings.all();
  const { candidate, validation, active } = o;
  const operating = thresholdForSensitivity(candidate.scores, validation.y, {
    target: settings.targetSensitivity,
    weights: validation.weights,
  });
  const candidateAuc = rocAuc(candidate.scores, validation.y, validation.weights);
  const activeAuc = rocAuc(candidate.activeScores, validation.y, validation.weights);
  const promoted = candidateAuc >= activeAuc - settings.promotionTolerance;
  const local = localEvaluation(
    candidate.scores,
    candidate.activeScores,
    validation.y,
    validation.local,
    operating.threshold,
    active.record,
  );
  const artifact: ModelArtifact = {
    format: 'triage-model-v1',
    version: newVersion(candidate.kind, library.clock()),
    kind: candidate.kind,
    backbone: candidate.backbone,
    top: candidate.top,
    head: candidate.head,
    threshold: operating.threshold,
    targetSensitivity: settings.targetSensitivity,
    hyperparameters: o.hyperparameters,
    metrics: {
      validation: evaluate(candidate.scores, validation.y, operating.threshold),
      weightedAuc: candidateAuc,
      parentWeightedAuc: activeAuc,
      parentValidation: evaluate(candidate.activeScores, validation.y, active.artifact.threshold),
      local,
      learningCurve: candidate.curve,
      bestEpoch: candidate.bestEpoch,
    },
    provenance: {
      parentVersion: active.record.version,
      trainedAt: library.clock().toISOString(),
      labelSnapshot: library.db.prepare('SELECT max(labeled_at) FROM labels').pluck().get() as string | null,
      counts: o.counts,
      backend: o.backend,
      seed: o.seed,
    },
  };
  const decision = promoted
    ? `promoted: validation AUC ${candidateAuc.toFixed(4)} against ${activeAuc.toFixed(4)} for ${active.record.version}`
    : `rejected: validation AUC ${candidateAuc.toFixed(4)} is below ${activeAuc.toFixed(4)} for ` +
      `${active.record.version} by more than the tolerance ${settings.promotionTolerance}`;
  o.onPhase?.('storing');
  const record = registerModel(library, artifact, promoted ? 'candidate' : 'rejected', candidate.filesDir);
  if (promoted) {
    o.onPhase?.('promoting');
    await o.beforePromotion?.({ artifact, dir: modelDir(library.dataDir, record) });
    library.models.activate(record.version);
    rescore(library, record, artifact);
  }
  library.audit.record(o.actor, promoted ? 'model.promote' : 'model.reject', `model:${record.version}`, {
    candidateAuc,
    activeAuc,
  });
  library.trainingRuns.finish(o.runId, {
    status: 'completed',
    modelId: record.id,
    metrics: { candidateAuc, activeAuc },
  });
  return {
    runId: o.runId,
    candidate: record.version,
    parent: active.record.version,
    promoted,
    decision,
    threshold: operating.threshold,
    candidateAuc,
    activeAuc,
    local,
    counts: o.counts,
    curve: candidate.curve,
  };
}

/**
 * Runs a retraining as a recorded training run, holding the library's writer lock: another process's
 * retraining or import is refused while it runs. With the lock held no other retraining can be alive,
 * so a run still marked running was cut off by a crash, and is marked so; a failure or cancel is
 * recorded before it is passed on.
 */
export function trainingRun<T>(
  library: Library,
  kind: ModelArtifact['kind'],
  params: unknown,
  signal: AbortSignal | undefined,
  work: (runId: number) => Promise<T>,
): Promise<T> {
  return library.withWriter(kind === 'deep' ? 'deep retraining' : 'retraining', async () => {
    library.trainingRuns.markAbandoned();
    const runId = library.trainingRuns.start(kind, params);
    try {
      return await work(runId);
    } catch (error) {
      library.trainingRuns.finish(runId, {
        status: signal?.aborted === true ? 'cancelled' : 'failed',
        error: (error as Error).message,
      });
      throw error;
    }
  });
}

export function requireSameBackbone(
  active: { record: ModelRecord; artifact: ModelArtifact },
  computed: string,
): void {
  if (active.artifact.backbone !== computed) {
    throw new Error(
      `the model process computes ${computed} embeddings, but the active model ` +
        `${active.record.version} uses ${active.artifact.backbone}`,
    );
  }
}

/**
 * The head's training request from a weighted set: everything outside the fixed validation set trains,
 * the validation set stops training early. One recipe for the product and for the experiments.
 */
export function headTrainingRequest(
  data: WeightedSet,
  l2: number,
): {
  request: HeadTrainingRequest;
  validation: { x: Float32Array; n: number; y: Uint8Array; weights: Float32Array };
  validationRows: number[];
} {
  const dimension = data.values.length / data.labels.length;
  const part = (rows: number[]) => ({
    x: selectRows(data.values, dimension, rows),
    n: rows.length,
    y: Uint8Array.from(rows, (i) => data.labels[i] as number),
    weights: Float32Array.from(rows, (i) => data.weights[i] as number),
  });
  const validationRows = indices(data.validation, 1);
  const validation = part(validationRows);
  return {
    request: { ...part(indices(data.validation, 0)), d: dimension, validation, seed: HEAD_SEED, l2 },
    validation,
    validationRows,
  };
}

/** The shipped training set and the clinic's labeled images, with weights and the fixed split. */
function assemble(
  library: Library,
  shipped: TrainingSet,
  backbone: string,
  localWeight: number,
): WeightedSet {
  if (shipped.backbone !== backbone) {
    throw new Error(`the shipped training set was embedded with ${shipped.backbone}, not ${backbone}`);
  }
  const labels = library.labels.trainingLabels(backbone);
  const localMatrix = library.embeddings.matrix(
    backbone,
    labels.map((l) => l.imageId),
  );
  const byId = new Map(labels.map((l) => [l.imageId, l]));
  const nShipped = shipped.labels.length;
  const nLocal = localMatrix.imageIds.length;
  const n = nShipped + nLocal;
  const data: WeightedSet = {
    values: new Float32Array(n * shipped.dimension),
    labels: new Uint8Array(n),
    weights: new Float32Array(n),
    local: new Uint8Array(n),
    validation: new Uint8Array(n),
  };
  data.values.set(shipped.values, 0);
  data.values.set(localMatrix.values, nShipped * shipped.dimension);
  for (let i = 0; i < nShipped; i++) {
    data.labels[i] = shipped.labels[i] as number;
    data.weights[i] = 1;
    data.validation[i] = inValidationSet(shipped.groups[i] as string) ? 1 : 0;
  }
  localMatrix.imageIds.forEach((id, k) => {
    const label = byId.get(id);
    if (!label) return;
    const i = nShipped + k;
    data.labels[i] = label.melanoma ? 1 : 0;
    data.weights[i] = localWeight;
    data.local[i] = 1;
    data.validation[i] = inValidationSet(groupKey({ lesionId: label.lesionId, patientId: label.patientId }))
      ? 1
      : 0;
  });
  return data;
}

function localEvaluation(
  candidate: Float32Array,
  active: Float32Array,
  labels: Uint8Array,
  mask: Uint8Array,
  threshold: number,
  activeRecord: ModelRecord,
): RetrainReport['local'] {
  const rows = indices(mask, 1);
  const pick = (scores: Float32Array): Float32Array => Float32Array.from(rows, (i) => scores[i] as number);
  const y = Uint8Array.from(rows, (i) => labels[i] as number);
  const melanomas = y.reduce((s, v) => s + v, 0);
  const evaluable = melanomas > 0 && melanomas < rows.length;
  return {
    images: rows.length,
    melanomas,
    candidate: evaluable ? evaluate(pick(candidate), y, threshold) : null,
    active: evaluable ? evaluate(pick(active), y, activeRecord.threshold) : null,
    sensitivity: sensitivityEstimate(candidate, labels, threshold, mask),
  };
}

export function countRows(
  data: Pick<WeightedSet, 'local' | 'labels'>,
  train: number[],
  validation: number[],
): Record<string, number> {
  const count = (rows: number[], local: number, positive?: number): number =>
    rows.filter((i) => data.local[i] === local && (positive === undefined || data.labels[i] === positive))
      .length;
  return {
    shippedTrain: count(train, 0),
    shippedValidation: count(validation, 0),
    localTrain: count(train, 1),
    localTrainMelanomas: count(train, 1, 1),
    localValidation: count(validation, 1),
    localValidationMelanomas: count(validation, 1, 1),
  };
}

export function indices(mask: Uint8Array, value: number): number[] {
  const out: number[] = [];
  mask.forEach((v, i) => {
    if (v === value) out.push(i);
  });
  return out;
}
