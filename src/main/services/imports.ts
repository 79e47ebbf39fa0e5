import { importFolders, refuseInvalidImport, type ImportOptions } from '../importer/import-folders';
import type { ImportProgress, ImportReport } from '../importer/report';
import type { RankReport } from '../triage/ranking';
import type { JobHandlers, Progress, ServiceContext } from './context';
import { RankingService } from './ranking';

export type ImportRequest = Pick<
  ImportOptions,
  'folders' | 'manifest' | 'patient' | 'study' | 'studyDate' | 'createPatient'
> & {
  /** Rank what was imported (the default); the CLI's --no-rank leaves it for later. */
  rank?: boolean;
};

/** Folders of photographs into a study, then ranked: one long job under one hold of the writer lock. */
export class ImportService {
  private readonly ranking: RankingService;

  constructor(private readonly context: ServiceContext) {
    this.ranking = new RankingService(context);
  }

  /** Throws what run would refuse at once (an unknown patient not to be created, a bad date), writing nothing. */
  check(request: ImportRequest): void {
    refuseInvalidImport(this.context.library, request);
  }

  run(
    request: ImportRequest,
    handlers: JobHandlers = {},
  ): Promise<{ report: ImportReport; ranking?: RankReport }> {
    const { library, actor } = this.context;
    const { rank = true, ...folders } = request;
    return library.withWriter('import', async () => {
      const report = await importFolders(library, {
        ...folders,
        actor,
        signal: handlers.signal,
        onProgress: handlers.onProgress && importStep(handlers.onProgress),
      });
      // A cancelled import stops there: what it stored is ranked by the next run.
      if (!rank || report.status !== 'completed') return { report };
      return { report, ranking: await this.ranking.rank(handlers) };
    });
  }
}

/** An import's steps as a job's progress; its last ('done') is the importing phase at its total. */
function importStep(report: (progress: Progress) => void): (progress: ImportProgress) => void {
  return (p) =>
    report({
      phase: p.phase === 'scanning' ? 'scanning' : 'importing',
      done: p.processed,
      total: p.found,
      rate: p.rate,
      failed: p.failed,
    });
}
