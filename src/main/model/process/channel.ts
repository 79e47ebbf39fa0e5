/**
 * The model process's line to its parent: Node's IPC channel when forked by the CLI and the tests,
 * Electron's parentPort when hosted as a utilityProcess. The worker code is the same in both.
 */
import type { ModelMessage, ModelRequest } from './protocol';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface ParentChannel {
  post(message: ModelMessage): void;
  onMessage(listener: (request: ModelRequest) => void): void;
}

export function parentChannel(): ParentChannel {
  const port = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      post: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data as ModelRequest)),
    };
  }
  if (!process.send) throw new Error('the model process must be started by fork() or as a utilityProcess');
  const send = process.send.bind(process);
  // The parent going away (killed, crashed) ends this process too instead of leaving it orphaned.
  process.on('disconnect', () => process.exit(0));
  return {
    post: (message) => send(message),
    onMessage: (listener) => process.on('message', (request) => listener(request as ModelRequest)),
  };
}
