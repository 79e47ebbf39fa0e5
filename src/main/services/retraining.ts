import type { RetrainEstimate } from '../../api/contract';
import type { RetrainDepth } from '../../api/settings';
import { retrainEstimate } from './retrain-estimate';
import { inSteps } from '../model/training/deep-job';
import { retrainDeep } from '../triage/deep-retrain';
import { withModelProcess } from '../triage/model-session';
import { retrainHead, type RetrainPhase, type RetrainReport } from '../triage/retrain';
import type { JobHandlers, ServiceContext } from './context';

export interface RetrainHandlers extends JobHandlers {
  /** Each named step as it starts (the CLI prints them; the crash tests aim their kills by them). */
  onPhase?: (phase: RetrainPhase) => void;
}

/**
 * Retraining on the clinic's labels: a new head ('head'), or the backbone's top with it ('deep'). A long
 * job under the writer lock; the candidate is kept only if it is not worse, and re-scores the library
 * when promoted. Epochs and the deep retraining's steps come as one kind of progress.
 */
export class RetrainingService {
  constructor(private readonly context: ServiceContext) {}

  /** The time a retraining of `depth` should take here, from the last one's measured rate. */
  estimate(depth: RetrainDepth): RetrainEstimate {
    return retrainEstimate(this.context.library, depth);
  }

  retrain(depth: RetrainDepth, handlers: RetrainHandlers = {}): Promise<RetrainReport> {
    const { library, models, resources, actor } = this.context;
    // Refused before a model process spends seconds starting.
    library.writer.refuseIfBusy();
    const { signal, onPhase, onProgress } = handlers;
    const onEpoch = (point: {
      epoch: number;
      trainLoss: number;
      validationLoss: number | null;
      validationAuc?: number;
    }): void =>
      onProgress?.({
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
    return withModelProcess(this.context, library, (modelProcess) =>
      depth === 'deep'
        ? retrainDeep(library, modelProcess, resources, {
            actor,
            signal,
            onEpoch,
            onPhase,
            models,
            // A batch's worth of progress is too fine for a window or a terminal.
            onProgress: inSteps(100, (p) =>
              onProgress?.({
                phase: p.phase === 'embedding' ? 'ranking' : p.phase,
                done: p.done,
                total: p.total,
                rate: 0,
              }),
            ),
          })
        : retrainHead(library, modelProcess, resources, { actor, signal, onEpoch, onPhase }),
    );
  }
}
