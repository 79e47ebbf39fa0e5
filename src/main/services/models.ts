import type { ModelDetail, ModelSummary } from '../../api/contract';
import { LibraryError } from '../library';
import type { ModelRecord } from '../library/models';
import type { BackendReport } from '../model/process/protocol';
import { ModelMetricsSchema, type ModelArtifact } from '../model/artifacts/artifact';
import { readModelFiles } from '../model/artifacts/registry';
import { evaluateFolder, type FolderEvaluation } from '../triage/evaluate-folder';
import { currentModel, withModelProcess } from '../triage/model-session';
import { rollbackTo } from '../triage/rollback';
import type { JobHandlers, ServiceContext } from './context';
import { rankingStep } from './ranking';

/** The library's model versions: listed, shown, rolled back to; the backend in use; a folder scored. */
export class ModelService {
  // Starting a model process to ask takes seconds; the answer holds until the backend setting changes.
  private backendReport: Promise<BackendReport> | undefined;

  constructor(private readonly context: ServiceContext) {}

  list(): ModelSummary[] {
    return this.context.library.models.list().map(summary);
  }

  detail(version: string): ModelDetail {
    const { library } = this.context;
    const record = this.require(version);
    const artifact = readModelFiles(library.dataDir, record);
    return {
      ...summary(record),
      targetSensitivity: artifact.targetSensitivity,
      validation: artifact.metrics.validation ?? null,
      learningCurve: artifact.metrics.learningCurve ?? [],
      provenance: artifact.provenance,
      comparison: comparisonOf(artifact),
    };
  }

  /** The stored record with its provenance and target sensitivity, as `triage models show` prints it. */
  show(version: string): ModelRecord & Pick<ModelDetail, 'provenance' | 'targetSensitivity'> {
    const record = this.require(version);
    const artifact = readModelFiles(this.context.library.dataDir, record);
    return { ...record, provenance: artifact.provenance, targetSensitivity: artifact.targetSensitivity };
  }

  /** Makes an earlier version active again and re-scores the library with it (a long job: the writer lock). */
  rollback(version: string, handlers: JobHandlers = {}): Promise<{ active: string; rescored: number }> {
    this.require(version);
    const { library, resources, models, actor } = this.context;
    return rollbackTo(library, version, resources, {
      actor,
      models,
      signal: handlers.signal,
      onProgress: handlers.onProgress && rankingStep(handlers.onProgress),
    });
  }

  /** Which backend the model process uses, and why. */
  backend(): Promise<BackendReport> {
    if (!this.backendReport) {
      const asked = withModelProcess(this.context, this.context.library, (modelProcess) =>
        modelProcess.backend(),
      );
      // A failure is not remembered: the next visit asks again.
      asked.catch(() => (this.backendReport = undefined));
      this.backendReport = asked;
    }
    return this.backendReport;
  }

  /** Forgets the backend report, after the backend setting changed. */
  backendChanged(): void {
    this.backendReport = undefined;
  }

  /**
   * Scores a labeled folder without importing it, with the active model as it is (the shipped default
   * where the library has none: nothing is registered for it).
   */
  evaluate(folder: string, signal?: AbortSignal): Promise<FolderEvaluation> {
    return evaluateWith(this.context, this.context.library, folder, signal);
  }

  private require(version: string): ModelRecord {
    const record = this.context.library.models.byVersion(version);
    if (!record) throw new LibraryError(`No model version ${version} in this library.`, 'not-found');
    return record;
  }
}

/** A folder scored by the library's active model, or by the shipped default where there is no library. */
export function evaluateWith(
  host: Pick<ServiceContext, 'models' | 'resources'>,
  library: ServiceContext['library'] | undefined,
  folder: string,
  signal?: AbortSignal,
): Promise<FolderEvaluation> {
  const model = currentModel(library, host.resources);
  return withModelProcess(
    host,
    library,
    (modelProcess) => evaluateFolder(folder, modelProcess, model.artifact, signal),
    model,
  );
}

/** The promotion gate's figures, from the version's own file: one source for the window's comparison. */
function comparisonOf(artifact: ModelArtifact): ModelDetail['comparison'] {
  const { weightedAuc, parentWeightedAuc, parentValidation } = artifact.metrics;
  const parent = artifact.provenance.parentVersion;
  if (parent === null || weightedAuc === undefined || parentWeightedAuc === undefined) return null;
  return { parent, weightedAuc, parentWeightedAuc, parentValidation: parentValidation ?? null };
}

export function summary(record: ModelRecord): ModelSummary {
  const metrics = ModelMetricsSchema.safeParse(record.metrics);
  return {
    version: record.version,
    kind: record.kind,
    status: record.status,
    createdAt: record.createdAt,
    promotedAt: record.promotedAt,
    parentVersion: record.parentVersion,
    threshold: record.threshold,
    auc: metrics.success ? (metrics.data.validation?.rocAuc ?? null) : null,
  };
}
