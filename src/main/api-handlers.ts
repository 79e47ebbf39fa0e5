/**
 * What each API call does in the main process, and the checks around it. Kept free of 'electron' so
 * that tests can drive the exact code the app runs, from a browser page or directly.
 */
import { apiCalls, type ApiCallName, type ApiRequest, type ApiResponse } from '../api/contract';
import type { Library } from './library';

export type ApiHandlers = {
  [K in ApiCallName]: (request: ApiRequest<K>) => ApiResponse<K> | Promise<ApiResponse<K>>;
};

export function createApiHandlers(library: Library): ApiHandlers {
  return {
    libraryInfo: () => library.info(),
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
