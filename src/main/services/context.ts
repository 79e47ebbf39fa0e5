import type { JobProgress } from '../../api/jobs';
import type { Library } from '../library';
import type { ModelProcessPool } from '../model/process/pool';
import type { ResourcePaths } from '../resources';

/**
 * What every application service is built over: one library (with its clock, from which every timestamp
 * an action writes comes: openLibrary's `clock`), what ships beside the code, the host's one pool of
 * model processes, and who acts (the signed-in user in the app, --by in the CLI), for the audit.
 */
export interface ServiceContext {
  library: Library;
  resources: ResourcePaths;
  models: ModelProcessPool;
  actor: string;
}

/**
 * A long job's progress, in one shape for every job (import, ranking, retraining, rollback): the window
 * receives it as a job event, the CLI prints it. Each service translates its steps into it once.
 */
export type Progress = Omit<JobProgress, 'type' | 'id' | 'kind'>;

/** What a long job takes besides its request: cancel, and someone to tell as it goes. */
export interface JobHandlers {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}
