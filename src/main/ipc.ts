/**
 * Wires the validated channel handlers to Electron's IPC. Nothing but our own top-level page may call
 * them: an iframe or a page the window was somehow navigated to gets a rejection instead.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { taggedMessage } from '../api/call-errors';
import { createChannelHandlers, type ApiHandlers } from './api-handlers';
import { refusalOf } from './ipc-caller';
import type { AppLog } from './log/app-log';

export function registerIpc(
  handlers: ApiHandlers,
  isOwnPage: (url: string) => boolean,
  log: AppLog,
): () => void {
  const channels = createChannelHandlers(handlers);
  for (const [channel, handle] of channels) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown) => {
      const refusal = refusalOf(event.senderFrame, isOwnPage);
      if (refusal) {
        log.write('warn', `${channel}: refused: ${refusal}`);
        throw new Error(`${channel}: refused, ${refusal}`);
      }
      try {
        return await handle(request);
      } catch (error) {
        log.write('warn', `${channel}: ${logged(error)}`);
        // IPC keeps only the message: the window reads the error's kind from its tag.
        throw new Error(taggedMessage(error));
      }
    });
  }
  return () => {
    for (const channel of channels.keys()) ipcMain.removeHandler(channel);
  };
}

/**
 * What the log keeps of a failed call: a malformed request's field paths and rules (zod's messages name
 * no values), but only the kind of any other error, whose message may hold a patient's name or a path.
 */
function logged(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/: invalid (request|response): /.test(message)) return message;
  return `failed (${error instanceof Error ? error.name : typeof error})`;
}
