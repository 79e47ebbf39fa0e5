import type { JobEvent, JobFinished, JobKind } from '../../api/jobs';
import type { RetrainDepth } from '../../api/settings';
import type { ImportRequest } from '../services/imports';
import type { Progress, Services } from '../services';
import { rollbackTarget } from '../triage/rollback';

/**
 * Long work the window starts (import and ranking, retraining, rollback) runs here, one job at a time:
 * two jobs writing the same library would fight over it, and two retrainings would compare against a
 * moving active model. Each job is a call into the services, which hold the library's writer lock, so a
 * job of the CLI on the same library is refused too. Progress and the outcome go to `emit`, which the IPC
 * layer forwards to the window.
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
    private readonly services: Services,
    private readonly emit: (event: JobEvent) => void,
  ) {}

  /** The job in progress, if any. */
  current(): { id: number; kind: JobKind } | undefined {
    return this.running && { id: this.running.id, kind: this.running.kind };
  }

  startImport(request: Omit<ImportRequest, 'rank'>): number {
    // Refused as the call's error, before a job starts, so the window can say so beside the field.
    this.services.imports.check(request);
    return this.start('import', async (id, signal) => {
      const { report, ranking } = await this.services.imports.run(request, {
        signal,
        onProgress: this.progress(id, 'import'),
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
            : {
                path: f.path,
                status: f.status,
                reason:
                  `the same image as ${f.duplicateOf}` +
                  (f.otherPatient ? ` of patient ${f.otherPatient}` : ''),
                ...(f.otherPatient ? { otherPatient: f.otherPatient } : {}),
              },
        ),
        patient: report.patient,
        study: report.study,
        studyId: report.studyId,
        warnings: report.warnings,
        ranked: ranking?.scored ?? 0,
      };
      return { outcome: report.status === 'cancelled' ? 'cancelled' : 'done', import: summary };
    });
  }

  /** Retrains the library's model: a new head ('head'), or the backbone's top with it ('deep'). */
  startRetrain(depth: RetrainDepth = 'head'): number {
    return this.start('retrain', async (id, signal) => {
      const report = await this.services.retraining.retrain(depth, {
        signal,
        onProgress: this.progress(id, 'retrain'),
      });
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
    });
  }

  startRollback(version: string): number {
    // Refused before the job starts, so that the window's call itself fails with the reason.
    rollbackTarget(this.services.context.library, version);
    return this.start('rollback', async (id, signal) => ({
      outcome: 'done',
      rollback: await this.services.models.rollback(version, {
        signal,
        onProgress: this.progress(id, 'rollback'),
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

  private progress(id: number, kind: JobKind): (progress: Progress) => void {
    return (p) => this.emit({ type: 'progress', id, kind, ...p });
  }

  private start(
    kind: JobKind,
    work: (id: number, signal: AbortSignal) => Promise<Omit<JobFinished, 'type' | 'id' | 'kind'>>,
  ): number {
    if (this.running) {
      throw new Error(`A ${this.running.kind} is already running; wait for it or cancel it first.`);
    }
    // A long job of another process (the CLI) is refused in the same words it would fail with later.
    this.services.context.library.writer.refuseIfBusy();
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
