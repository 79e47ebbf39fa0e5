/**
 * What each API call does in the main process, and the checks around it. Kept free of 'electron' so
 * that tests can drive the exact code the app runs, from a browser page or directly.
 */
import {
  apiCalls,
  type ApiCallName,
  type ApiRequest,
  type ApiResponse,
  type ModelSummary,
} from '../api/contract';
import path from 'node:path';
import type { JobRunner } from './jobs/job-runner';
import type { Library } from './library';
import { LibraryError } from './library';
import { activeModel, readModelFiles } from './model/registry';
import type { BackendReport } from './model/process/protocol';
import { withModelProcess } from './triage/model-session';
import { Explainer } from './triage/explainer';
import { resourcePaths } from './resources';
import { retrainScheduleStatus } from './schedule/status';
import type { ModelRecord } from './library/models';
import type { Evaluation } from './model/metrics';
import type { CurvePoint } from './model/head';

export type ApiHandlers = {
  [K in ApiCallName]: (request: ApiRequest<K>) => ApiResponse<K> | Promise<ApiResponse<K>>;
};

export interface ApiContext {
  library: Library;
  jobs: JobRunner;
  /** The system's file dialogs, opened by main: the renderer never names a path of its own. */
  choose: { folders(): Promise<string[]>; manifest(): Promise<string | null> };
  /** Who the labels are recorded as: the signed-in user of this machine. */
  user: string;
  /** The shipped default model, which becomes a new library's first active model. */
  defaultModelDir: string;
}

export function createApiHandlers({ library, jobs, choose, user, defaultModelDir }: ApiContext): ApiHandlers {
  const active = (): ReturnType<typeof activeModel> => activeModel(library, defaultModelDir);
  const suspiciousByStudy = (): Map<number, number> => {
    const { record, artifact } = active();
    return library.predictions.suspiciousByStudy(record.id, artifact.threshold);
  };
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
  // Starting the model process to ask takes seconds; the answer holds until the backend setting changes.
  let backend: Promise<BackendReport> | undefined;
  // Heatmaps come from a model process kept warm between images, so paging through costs no restart.
  const explainer = new Explainer(library, { ...resourcePaths(), defaultModelDir });
  return {
    libraryInfo: () => library.info(),
    patients: () => {
      const byStudy = suspiciousByStudy();
      const byPatient = new Map<number, number>();
      for (const s of library.patients.listStudies()) {
        byPatient.set(s.patientId, (byPatient.get(s.patientId) ?? 0) + (byStudy.get(s.id) ?? 0));
      }
      return library.patients.listPatients().map((p) => ({ ...p, suspicious: byPatient.get(p.id) ?? 0 }));
    },
    studies: ({ patient }) => {
      const byStudy = suspiciousByStudy();
      return library.patients.listStudies(patient).map((s) => ({ ...s, suspicious: byStudy.get(s.id) ?? 0 }));
    },
    createPatient: ({ code }) => {
      const result = library.patients.ensurePatient(code);
      if (result.created) library.audit.record(user, 'patient.create', `patient:${result.id}`);
      return result;
    },
    renamePatient: ({ id: patientId, code }) => {
      library.patients.renamePatient(patientId, code);
      library.audit.record(user, 'patient.rename', `patient:${patientId}`);
    },
    createStudy: ({ patientId, name }) => {
      const result = library.patients.ensureStudy(patientId, name);
      if (result.created) library.audit.record(user, 'study.create', `study:${result.id}`);
      return result;
    },
    renameStudy: ({ id: studyId, name }) => {
      library.patients.renameStudy(studyId, name);
      library.audit.record(user, 'study.rename', `study:${studyId}`);
    },
    queue: ({ order, offset, limit, ...filter }) => {
      // The record holds the threshold too: reading the model's files (2 ms) would cost more than a page.
      const record = library.models.active() ?? active().record;
      const scope = { ...filter, modelId: record.id, threshold: record.threshold };
      // One read transaction: the total and the page describe the same state of the library.
      return library.transaction(() => ({
        model: record.version,
        threshold: record.threshold,
        total: library.predictions.queueTotal(scope),
        entries: library.predictions.queue({ ...scope, order, offset, limit }),
      }));
    },
    imageDetail: ({ imageId }) => {
      const image = library.images.withOwner(imageId);
      if (!image) throw new LibraryError(`No image with id ${imageId} in the library.`, 'not-found');
      const { record, artifact } = active();
      const probability = library.predictions.probability(record.id, imageId);
      return {
        id: image.id,
        fileName: image.originalName,
        patient: image.patient,
        study: image.study,
        width: image.width,
        height: image.height,
        format: image.format,
        bytes: image.bytes,
        capturedAt: image.capturedAt,
        importedAt: image.importedAt,
        bodySite: image.bodySite,
        lesionId: image.lesionId,
        prediction:
          probability === undefined
            ? null
            : { model: record.version, probability, suspicious: probability >= artifact.threshold },
        labels: library.labels.history(imageId),
      };
    },
    explainImage: ({ imageId }) => explainer.explain(imageId),
    saveLabel: (request) => {
      const result = library.labels.add({ ...request, labeledBy: user });
      if (result.added) {
        library.audit.record(user, 'label.add', `image:${request.imageId}`, { melanoma: request.melanoma });
      }
      return result;
    },
    withdrawLabel: ({ imageId }) => {
      const withdrawal = library.labels.withdraw(imageId, user);
      if (withdrawal) library.audit.record(user, 'label.withdraw', `image:${imageId}`);
      return { withdrawal };
    },
    chooseFolders: async () => allow(await choose.folders()),
    chooseManifest: async () => {
      const file = await choose.manifest();
      return file === null ? null : (allow([file])[0] as string);
    },
    startImport: ({ folders, manifest, patient, study }) => ({
      jobId: jobs.startImport({
        folders: folders.map(requireChosen),
        manifest: manifest === undefined ? undefined : requireChosen(manifest),
        patient,
        study,
      }),
    }),
    startRetrain: ({ depth }) => ({ jobId: jobs.startRetrain(depth) }),
    cancelJob: ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    currentJob: () => jobs.current() ?? null,
    models: () => library.models.list().map(modelSummary),
    backend: () => {
      if (!backend) {
        const asked = withModelProcess(library, (modelProcess) => modelProcess.backend());
        // A failure is not remembered: the next visit asks again.
        asked.catch(() => (backend = undefined));
        backend = asked;
      }
      return backend;
    },
    modelDetail: ({ version }) => {
      const record = library.models.byVersion(version);
      if (!record) throw new LibraryError(`No model version ${version} in this library.`, 'not-found');
      const artifact = readModelFiles(library.dataDir, record);
      const metrics = artifact.metrics as { validation?: Evaluation; learningCurve?: CurvePoint[] } | null;
      return {
        ...modelSummary(record),
        targetSensitivity: artifact.targetSensitivity,
        validation: metrics?.validation ?? null,
        learningCurve: metrics?.learningCurve ?? [],
        provenance: artifact.provenance,
      };
    },
    startRollback: ({ version }) => ({ jobId: jobs.startRollback(version) }),
    settings: () => library.settings.all(),
    updateSetting: ({ key, value }) => {
      library.settings.set(key, value as never);
      if (key === 'backend') backend = undefined;
      library.audit.record(user, 'settings.set', key, { value });
      return library.settings.all();
    },
    retrainSchedule: () => retrainScheduleStatus(library),
  };
}

function modelSummary(record: ModelRecord): ModelSummary {
  const metrics = record.metrics as { validation?: { rocAuc?: number | null } } | null;
  return {
    version: record.version,
    kind: record.kind,
    status: record.status,
    createdAt: record.createdAt,
    promotedAt: record.promotedAt,
    parentVersion: record.parentVersion,
    threshold: record.threshold,
    auc: metrics?.validation?.rocAuc ?? null,
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
