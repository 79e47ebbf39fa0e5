import type { JobEvent, JobFinished, JobKind, JobProgress } from '../../api/jobs';
import type { Library } from '../library';
import { importFolders, type ImportOptions } from '../importer/import-folders';
import type { ResourcePaths } from '../resources';
import type { RankProgress, RankReport } from '../triage/ranking';
import { retrainHead } from '../triage/retrain';
import { retrainDeep } from '../triage/deep-retrain';
import { inSteps } from '../model/deep/top-job';
import type { CurvePoint } from '../model/head';
import type { RetrainDepth } from '../../api/settings';
import { rankCurrent, withModelProcess } from '../triage/model-session';
import { rollbackTo } from '../triage/rollback';

/**
 * Long work the window starts (import and ranking, retraining) runs here, one job at a time: two jobs
 * writing the same library would fight over it, and two retrainings would compare against a moving
 * active model. Progress and the outcome go to `emit`, which the IPC layer forwards to the window.
 */

interface RunningJob {
  id: number;
  kind: JobKind;
  controller: AbortController;
  /** Settles with the job's outcome, after `emit` has sent it. */
  finished?: Promise<JobFinished>;
}

export class JobRunner {
  private running: RunningJob | undefined;
  private nextId = 1;

  constructor(
    private readonly library: Library,
    private readonly resources: ResourcePaths,
    private readonly user: string,
    private readonly emit: (event: JobEvent) => void,
  ) {}

  /** The job in progress, if any. */
  current(): { id: number; kind: JobKind } | undefined {
    return this.running && { id: this.running.id, kind: this.running.kind };
  }

  startImport(request: Pick<ImportOptions, 'folders' | 'manifest' | 'patient' | 'study'>): number {
    return this.start('import', async (id, signal) => {
      const report = await importFolders(this.library, {
        ...request,
        actor: this.user,
        signal,
        onProgress: (p) =>
          this.emit({
            type: 'progress',
            id,
            kind: 'import',
            phase: p.phase === 'scanning' ? 'scanning' : 'importing',
            done: p.processed,
            total: p.found,
            rate: p.rate,
          }),
      });
      const summary = {
        imported: report.imported,
        alreadyImported: report.alreadyImported,
        duplicates: report.duplicates,
        failed: report.failed,
        notProcessed: report.notProcessed,
        files: report.files.map((f) =>
          f.status === 'failed'
            ? { path: f.path, status: f.status, reason: f.reason }
            : { path: f.path, status: f.status, reason: `the same image as ${f.duplicateOf}` },
        ),
        warnings: report.warnings,
        ranked: 0,
      };
      if (report.status === 'cancelled') return { outcome: 'cancelled', import: summary };
      const ranking = await this.rank(id, signal);
      return { outcome: 'done', import: { ...summary, ranked: ranking.scored } };
    });
  }

  /** Retrains the library's model: a new head ('head'), or the backbone's top with it ('deep'). */
  startRetrain(depth: RetrainDepth = 'head'): number {
    return this.start('retrain', (id, signal) =>
      withModelProcess(this.library, async (modelProcess) => {
        const progress = (event: Omit<JobProgress, 'type' | 'id' | 'kind'>): void =>
          this.emit({ type: 'progress', id, kind: 'retrain', ...event });
        const onEpoch = (point: CurvePoint & { validationAuc?: number }): void =>
          progress({
            phase: 'training',
            done: point.epoch,
            total: null,
            rate: 0,
            loss: {
              training: point.trainLoss,
              validation: point.validationLoss,
              ...(point.validationAuc !== undefined && { validationAuc: point.validationAuc }),
            },
          });
        const options = { actor: this.user, signal, onEpoch };
        const report =
          depth === 'deep'
            ? await retrainDeep(this.library, modelProcess, this.resources, {
                ...options,
                onProgress: inSteps(100, (p) =>
                  progress({
                    phase: p.phase === 'embedding' ? 'ranking' : p.phase,
                    done: p.done,
                    total: p.total,
                    rate: 0,
                  }),
                ),
              })
            : await retrainHead(this.library, modelProcess, this.resources, options);
        return {
          outcome: 'done',
          retrain: {
            candidate: report.candidate,
            parent: report.parent,
            promoted: report.promoted,
            decision: report.decision,
            candidateAuc: report.candidateAuc,
            activeAuc: report.activeAuc,
            threshold: report.threshold,
          },
        };
      }),
    );
  }

  startRollback(version: string): number {
    if (!this.library.models.byVersion(version))
      throw new Error(`No model version ${version} in this library.`);
    return this.start('rollback', async (id, signal) => ({
      outcome: 'done',
      rollback: await rollbackTo(this.library, version, this.resources, {
        actor: this.user,
        signal,
        onProgress: this.rankingProgress(id, 'rollback'),
      }),
    }));
  }

  /** The outcome of job `id` once it ends, for callers that started it (the retraining schedule). */
  finished(id: number): Promise<JobFinished> | undefined {
    return this.running?.id === id ? this.running.finished : undefined;
  }

  /** Asks the job to stop; it reports 'cancelled' once it has left the library consistent. */
  cancel(id: number): boolean {
    if (this.running?.id !== id) return false;
    this.running.controller.abort();
    return true;
  }

  private rank(id: number, signal: AbortSignal): Promise<RankReport> {
    return rankCurrent(this.library, { signal, onProgress: this.rankingProgress(id, 'import') });
  }

  private rankingProgress(id: number, kind: JobKind): (progress: RankProgress) => void {
    return (p) =>
      this.emit({
        type: 'progress',
        id,
        kind,
        phase: p.phase === 'embedding' ? 'ranking' : 'scoring',
        done: p.embedded,
        total: p.total,
        rate: p.rate,
      });
  }

  private start(
    kind: JobKind,
    work: (id: number, signal: AbortSignal) => Promise<Omit<JobFinished, 'type' | 'id' | 'kind'>>,
  ): number {
    if (this.running) {
      throw new Error(`A ${this.running.kind} is already running; wait for it or cancel it first.`);
    }
    // A long job of another process (the CLI) is refused in the same words it would fail with later.
    this.library.writer.refuseIfBusy();
    const id = this.nextId++;
    const controller = new AbortController();
    const running: RunningJob = { id, kind, controller };
    this.running = running;
    running.finished = work(id, controller.signal)
      .then(
        (result): JobFinished => ({ type: 'finished', id, kind, ...result }),
        (error: unknown): JobFinished => ({
          type: 'finished' as const,
          id,
          kind,
          outcome: controller.signal.aborted ? ('cancelled' as const) : ('failed' as const),
          message: error instanceof Error ? error.message : String(error),
        }),
      )
      .then((event) => {
        this.running = undefined;
        this.emit(event);
        return event;
      });
    return id;
  }
}
