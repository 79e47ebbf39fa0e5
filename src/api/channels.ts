/**
 * The IPC channel of each call in contract.ts, without zod: the sandboxed preload bundles this file,
 * and a preload should carry no validation library it does not use. The `satisfies` clause makes the
 * compiler reject any drift from apiCalls (a missing, extra or misspelt channel).
 */
import type { apiCalls } from './contract';

type Channels = { readonly [K in keyof typeof apiCalls]: (typeof apiCalls)[K]['channel'] };

export const apiChannels = {
  libraryInfo: 'library:info',
  patients: 'patients:list',
  studies: 'studies:list',
  createPatient: 'patients:create',
  renamePatient: 'patients:rename',
  createStudy: 'studies:create',
  renameStudy: 'studies:rename',
  queue: 'queue:page',
  imageDetail: 'image:detail',
  explainImage: 'image:explain',
  saveLabel: 'label:save',
  withdrawLabel: 'label:withdraw',
  chooseFolders: 'dialog:folders',
  chooseManifest: 'dialog:manifest',
  startImport: 'job:import',
  startRetrain: 'job:retrain',
  cancelJob: 'job:cancel',
  currentJob: 'job:current',
  models: 'models:list',
  backend: 'model:backend',
  modelDetail: 'models:detail',
  retrainEstimate: 'models:retrain-estimate',
  startRollback: 'job:rollback',
  settings: 'settings:get',
  updateSetting: 'settings:update',
  retrainSchedule: 'schedule:status',
} as const satisfies Channels;

/** Main → window: progress and outcomes of jobs (src/api/jobs.ts). */
export const JOB_EVENT_CHANNEL = 'job:event';

/** The scheme main serves stored images on (src/main/image-protocol.ts). */
export const IMAGE_SCHEME = 'triage-image';
