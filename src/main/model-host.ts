/**
 * The app hosts the model process as an Electron utilityProcess (the CLI and the tests fork it): the
 * same worker module, reached through process.parentPort (see process/channel.ts). A crashed model
 * process fails the requests in flight (a retraining is reported failed, never done), the next request
 * starts a fresh one, and the user is told.
 */
import path from 'node:path';
import { utilityProcess } from 'electron';
import type { ModelTransport } from './model/process/host';
import { ModelProcessPool } from './model/process/pool';
import type { ModelMessage } from './model/process/protocol';

function startUtilityModelProcess(): ModelTransport {
  // Built by electron-vite beside index.js (see electron.vite.config.ts's main inputs).
  const child = utilityProcess.fork(path.join(path.dirname(__filename), 'model-worker.js'), [], {
    serviceName: 'Melanoma Triage model',
    stdio: 'inherit',
  });
  return {
    send: (request) => child.postMessage(request),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as ModelMessage)),
    onExit: (listener) => child.on('exit', (code) => listener(`exited with code ${code}`)),
    kill: () => void child.kill(),
  };
}

/** The app's one pool of model processes, each an Electron utilityProcess. */
export function utilityModelProcessPool(tell: (message: string) => void): ModelProcessPool {
  return new ModelProcessPool({
    start: startUtilityModelProcess,
    onUnexpectedExit: (description) =>
      tell(`The model process stopped (${description}); it restarts with the next task.`),
  });
}
