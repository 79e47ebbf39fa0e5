import type { LibraryInfo } from '../../api/contract';
import { openLibrary, type Library, type OpenOptions } from '../library';
import { ensureShippedDefault } from '../model/artifacts/registry';
import type { ServiceContext } from './context';
import { ExportService } from './exports';
import { ImportService } from './imports';
import { ModelService } from './models';
import { PatientService } from './patients';
import { RankingService } from './ranking';
import { RetrainingService } from './retraining';
import { ReviewService } from './review';
import { SettingsService } from './settings';

export type { JobHandlers, Progress, ServiceContext } from './context';

/**
 * Every user action, once: the window's IPC handlers and the CLI's commands are thin adapters over these,
 * so both give the same results and the same errors. Each change validates, writes and audits in one
 * transaction; each long job holds the library's writer lock.
 */
export interface Services {
  context: ServiceContext;
  info(): LibraryInfo;
  review: ReviewService;
  patients: PatientService;
  settings: SettingsService;
  models: ModelService;
  ranking: RankingService;
  imports: ImportService;
  retraining: RetrainingService;
  exports: ExportService;
}

/**
 * The services over a library. The shipped default becomes its first active model here, when the library
 * is opened for use, so that no read ever has to register it.
 */
export function createServices(context: ServiceContext): Services {
  ensureShippedDefault(context.library, context.resources.defaultModelDir);
  const settings = new SettingsService(context);
  const models = new ModelService(context);
  settings.onChange((key) => {
    if (key === 'backend') models.backendChanged();
  });
  return {
    context,
    info: () => context.library.info(),
    review: new ReviewService(context),
    patients: new PatientService(context),
    settings,
    models,
    ranking: new RankingService(context),
    imports: new ImportService(context),
    retraining: new RetrainingService(context),
    exports: new ExportService(context),
  };
}

/** Opens the library in `dataDir` and the services over it; closing the library is the caller's. */
export function openServices(
  dataDir: string,
  context: Omit<ServiceContext, 'library'>,
  options: OpenOptions = {},
): Services {
  const library: Library = openLibrary(dataDir, options);
  try {
    return createServices({ ...context, library });
  } catch (error) {
    library.close();
    throw error;
  }
}
