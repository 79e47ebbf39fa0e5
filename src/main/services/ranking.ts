import type { QueueEntry } from '../../api/contract';
import { LibraryError } from '../library';
import type { QueueFilter } from '../library/queue';
import type { RankProgress, RankReport } from '../triage/ranking';
import { rankCurrent } from '../triage/model-session';
import type { JobHandlers, Progress, ServiceContext } from './context';

export interface QueueQuery extends QueueFilter {
  order: 'probability' | 'uncertainty';
  offset?: number;
  limit: number;
}

export interface QueuePage {
  model: string;
  threshold: number;
  total: number;
  entries: QueueEntry[];
}

/** Ranking (embed what is missing, score everything with the active model) and the ranked queue. */
export class RankingService {
  constructor(private readonly context: ServiceContext) {}

  /** A long job: it holds the library's writer lock while it embeds and scores. */
  rank(handlers: JobHandlers = {}): Promise<RankReport> {
    const { library, models, resources } = this.context;
    return rankCurrent(library, {
      models,
      resources,
      signal: handlers.signal,
      onProgress: handlers.onProgress && rankingStep(handlers.onProgress),
    });
  }

  /**
   * A page of the queue under the active model, with the total under the same filters, read in one
   * transaction so that both describe the same state of the library.
   */
  queue({ order, offset, limit, ...filter }: QueueQuery): QueuePage {
    const { library } = this.context;
    // The record holds the threshold too: reading the model's files would cost more than a page.
    const record = library.models.active();
    if (!record) throw new LibraryError('No model has ranked this library yet: rank it first.', 'not-found');
    const scope = { ...filter, modelId: record.id, threshold: record.threshold };
    return library.transaction(() => ({
      model: record.version,
      threshold: record.threshold,
      total: library.predictions.queueTotal(scope),
      entries: library.predictions.queue({ ...scope, order, offset, limit }),
    }));
  }
}

/** Ranking's steps as a job's progress: embedding is the 'ranking' phase, the rest 'scoring'. */
export function rankingStep(report: (progress: Progress) => void): (progress: RankProgress) => void {
  return (p) =>
    report({
      phase: p.phase === 'embedding' ? 'ranking' : 'scoring',
      done: p.embedded,
      total: p.total,
      rate: p.rate,
    });
}
