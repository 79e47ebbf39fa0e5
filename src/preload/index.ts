/**
 * Exposes exactly the calls in the contract as `window.api`, each a plain ipcRenderer.invoke, and
 * nothing else: no ipcRenderer, no generic send. Main validates every request.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { apiChannels } from '../api/channels';
import type { TriageApi } from '../api/contract';

const api = Object.fromEntries(
  Object.entries(apiChannels).map(([name, channel]) => [
    name,
    (request: unknown): Promise<unknown> => ipcRenderer.invoke(channel, request),
  ]),
) as TriageApi;

contextBridge.exposeInMainWorld('api', api);
