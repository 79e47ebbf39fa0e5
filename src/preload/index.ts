/**
 * Exposes exactly the calls in the contract as `window.api`, each a plain ipcRenderer.invoke, plus a
 * subscription to job events, and nothing else: no ipcRenderer, no generic send. Main validates every
 * request.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { apiChannels, IMAGE_SCHEME, JOB_EVENT_CHANNEL } from '../api/channels';
import type { TriageApi } from '../api/contract';
import type { JobEvent } from '../api/jobs';

const api = {
  ...Object.fromEntries(
    Object.entries(apiChannels).map(([name, channel]) => [
      name,
      (request: unknown): Promise<unknown> => ipcRenderer.invoke(channel, request),
    ]),
  ),
  imageUrl: (kind: 'image' | 'thumb', imageId: number): string => `${IMAGE_SCHEME}://${kind}/${imageId}`,
  // The listener gets the event's payload only: the IpcRendererEvent (with its sender) stays here.
  onJobEvent: (listener: (event: JobEvent) => void): (() => void) => {
    const forward = (_event: unknown, payload: JobEvent): void => listener(payload);
    ipcRenderer.on(JOB_EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(JOB_EVENT_CHANNEL, forward);
  },
} as TriageApi;

contextBridge.exposeInMainWorld('api', api);
