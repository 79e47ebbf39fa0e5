/**
 * What each API call does in the main process, and the checks around it. Kept free of 'electron' so
 * that tests can drive the exact code the app runs, from a browser page or directly.
 */
import { apiCalls, type ApiCallName, type ApiRequest, type ApiResponse } from '../api/contract';
import path from 'node:path';
import type { JobRunner } from './jobs/job-runner';
import { retrainScheduleStatus } from './schedule/status';
import type { Services } from './services';

export type ApiHandlers = {
  [K in ApiCallName]: (request: ApiRequest<K>) => ApiResponse<K> | Promise<ApiResponse<K>>;
};

export interface ApiContext {
  services: Services;
  jobs: JobRunner;
  /** The system's file dialogs, opened by main: the renderer never names a path of its own. */
  choose: { folders(): Promise<string[]>; manifest(): Promise<string | null> };
}

/**
 * The window's adapter over the services: each call is one service call, so the window and the CLI give
 * the same results and the same errors. What is the window's own: only paths the user picked in a dialog
 * may be imported.
 */
export function createApiHandlers({ services, jobs, choose }: ApiContext): ApiHandlers {
  const { patients, review, models, settings, ranking } = services;
  // Paths the user picked in a dialog this session: the only ones an import may read.
  const chosen = new Set<string>();
  const allow = (paths: string[]): string[] => {
    for (const p of paths) chosen.add(path.resolve(p));
    return paths;
  };
  const requireChosen = (p: string): string => {
    if (!chosen.has(path.resolve(p))) throw new Error(`${p} was not chosen in a dialog of this app`);
    return p;
  };
  return {
    libraryInfo: () => services.info(),
    patients: () => patients.list(),
    studies: ({ patient }) => patients.studies(patient),
    createPatient: ({ code }) => patients.createPatient(code),
    renamePatient: ({ id, code }) => patients.renamePatient(id, code),
    createStudy: ({ patientId, name }) => patients.createStudy(patientId, name),
    renameStudy: ({ id, name }) => patients.renameStudy(id, name),
    queue: (request) => ranking.queue(request),
    imageDetail: ({ imageId }) => review.detail(imageId),
    explainImage: ({ imageId }) => review.explain(imageId),
    saveLabel: (request) => review.save(request),
    withdrawLabel: ({ imageId }) => ({ withdrawal: review.withdraw(imageId) }),
    chooseFolders: async () => allow(await choose.folders()),
    chooseManifest: async () => {
      const file = await choose.manifest();
      return file === null ? null : (allow([file])[0] as string);
    },
    startImport: ({ folders, manifest, patient, study, studyDate, createPatient }) => ({
      jobId: jobs.startImport({
        folders: folders.map(requireChosen),
        manifest: manifest === undefined ? undefined : requireChosen(manifest),
        patient,
        study,
        studyDate,
        // The window creates a patient only when asked to, so a mistyped id is refused, not created.
        createPatient: createPatient ?? false,
      }),
    }),
    startRetrain: ({ depth }) => ({ jobId: jobs.startRetrain(depth) }),
    cancelJob: ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    currentJob: () => jobs.current() ?? null,
    models: () => models.list(),
    backend: () => models.backend(),
    modelDetail: ({ version }) => models.detail(version),
    retrainEstimate: ({ depth }) => services.retraining.estimate(depth),
    startRollback: ({ version }) => ({ jobId: jobs.startRollback(version) }),
    settings: () => settings.all(),
    updateSetting: ({ key, value }) => settings.set(key, value),
    retrainSchedule: () => retrainScheduleStatus(services.context.library),
  };
}

/** Takes anything the renderer sent; resolves to a response that passed its schema. */
export type ChannelHandler = (request: unknown) => Promise<unknown>;

/**
 * One validated handler per channel. The request is parsed before the handler sees it, because the
 * renderer is not trusted; the response is parsed too, so a handler bug cannot leak fields the
 * contract does not promise.
 */
export function createChannelHandlers(handlers: ApiHandlers): Map<string, ChannelHandler> {
  const byChannel = new Map<string, ChannelHandler>();
  for (const name of Object.keys(apiCalls) as ApiCallName[]) {
    const call = apiCalls[name];
    // The union of all handlers cannot be called generically; the schema of this very call has
    // just checked the request, so widening the parameter here loses nothing.
    const handler = handlers[name] as (request: unknown) => unknown;
    byChannel.set(call.channel, async (raw) => {
      const request = call.request.safeParse(raw);
      if (!request.success) throw new Error(`${name}: invalid request: ${request.error.message}`);
      const response = call.response.safeParse(await handler(request.data));
      if (!response.success) throw new Error(`${name}: invalid response: ${response.error.message}`);
      return response.data;
    });
  }
  return byChannel;
}
