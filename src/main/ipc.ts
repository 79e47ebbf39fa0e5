/**
 * Wires the validated channel handlers to Electron's IPC. Nothing but our own top-level page may call
 * them: an iframe or a page the window was somehow navigated to gets a rejection instead.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { createChannelHandlers, type ApiHandlers } from './api-handlers';

export function registerIpc(handlers: ApiHandlers, isOwnPage: (url: string) => boolean): () => void {
  const channels = createChannelHandlers(handlers);
  for (const [channel, handle] of channels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, request: unknown) => {
      const frame = event.senderFrame;
      // senderFrame is null once the frame has navigated away or been destroyed.
      if (!frame || frame.parent !== null || !isOwnPage(frame.url)) {
        throw new Error(`${channel}: refused, the caller is not the app's own page`);
      }
      return handle(request);
    });
  }
  return () => {
    for (const channel of channels.keys()) ipcMain.removeHandler(channel);
  };
}
