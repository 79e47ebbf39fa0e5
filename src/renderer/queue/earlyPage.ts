/**
 * The queue's first page, asked for as the window's script starts instead of once React has rendered
 * the app around it (about half a second later on a slow machine): the queue is the screen the app
 * opens on. Only the queue's very first call can use the answer, and only if it asks the same.
 */
import type { ApiRequest, ApiResponse } from '../../api/contract';

let early: { request: string; answer: Promise<ApiResponse<'queue'>> } | undefined;

export function askEarly(request: ApiRequest<'queue'>): void {
  const answer = window.api?.queue(request);
  if (!answer) return;
  // A failure is reported when the queue takes the answer; one never taken must not be unhandled.
  answer.catch(() => undefined);
  early = { request: JSON.stringify(request), answer };
}

/** The early answer if `request` is what was asked early; after the first call, never. */
export function takeEarly(request: ApiRequest<'queue'>): Promise<ApiResponse<'queue'>> | undefined {
  const taken = early;
  early = undefined;
  return taken?.request === JSON.stringify(request) ? taken.answer : undefined;
}
