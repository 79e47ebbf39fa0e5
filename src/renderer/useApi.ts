/**
 * The renderer's one door to `window.api`: calls it, and turns the promise into render state.
 * Errors from main arrive as rejected promises; they become an error state, never an uncaught throw.
 */
import { useCallback, useEffect, useState } from 'react';
import { receivedError } from '../api/call-errors';
import type { ApiCallName, ApiRequest, ApiResponse } from '../api/contract';

/** A failed call's `message`, and its `code` when main gave one (see api/call-errors.ts). */
export type CallState<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T }
  | { status: 'error'; message: string; code?: string | null };

function call<K extends ApiCallName>(name: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
  const api = window.api;
  if (!api) return Promise.reject(new Error('window.api is missing: this page must run inside the app'));
  // Seen through a mapped type, api[name] is tied to K (TypeScript's correlated-union pattern).
  const calls: { [P in ApiCallName]: (request: ApiRequest<P>) => Promise<ApiResponse<P>> } = api;
  return calls[name](request);
}

/** An error's message as main wrote it: without Electron's wrapping and the code's tag. */
export function messageOf(error: unknown): string {
  return callErrorOf(error).message;
}

/** An error's message and its code, for the window to explain in words (errors/plainError.ts). */
export const callErrorOf = receivedError;
export type CallError = ReturnType<typeof receivedError>;

type Settled<K extends ApiCallName> = {
  name: K;
  request: ApiRequest<K>;
  attempt: number;
  state: CallState<ApiResponse<K>>;
};

/**
 * Calls `name` once per distinct request (pass a stable or memoized request) and again on `reload()`.
 * An answer is tagged with what it answers, so a new request or a reload shows "loading" without a
 * synchronous setState inside the effect, and a late answer to an old question is never shown.
 * With `enabled: false` nothing is asked yet (the state stays "loading"): for a call only some
 * interactions need, such as a menu's items when it is first opened.
 */
export function useApiCall<K extends ApiCallName>(
  name: K,
  request: ApiRequest<K>,
  { enabled = true }: { enabled?: boolean } = {},
): { state: CallState<ApiResponse<K>>; reload: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<K> | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    let current = true;
    const settle = (state: CallState<ApiResponse<K>>): void => {
      if (current) setSettled({ name, request, attempt, state });
    };
    call(name, request).then(
      (data) => settle({ status: 'ok', data }),
      (error: unknown) => settle({ status: 'error', ...callErrorOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [name, request, attempt, enabled]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const answersNow =
    settled !== null && settled.name === name && settled.request === request && settled.attempt === attempt;
  return { state: answersNow ? settled.state : { status: 'loading' }, reload };
}
