import { useCallback, useEffect, useState } from 'react';
import type { Explanation } from '../../api/contract';
import { messageOf, type CallState } from '../useApi';

/**
 * The heatmap of an image, asked for only while `wanted` (it costs the model process a moment) and
 * kept per image while the view is open, so turning it off and on or paging back asks no second time.
 * A failure is kept too, until `retry`.
 */
export function useExplanation(
  imageId: number,
  wanted: boolean,
): { state: CallState<Explanation> | null; retry: () => void } {
  const [results, setResults] = useState<ReadonlyMap<number, CallState<Explanation>>>(() => new Map());
  const [attempt, setAttempt] = useState(0);
  const known = results.get(imageId);
  const needed = wanted && known === undefined;

  useEffect(() => {
    if (!needed) return;
    const settle = (state: CallState<Explanation>): void =>
      setResults((previous) => new Map(previous).set(imageId, state));
    const asked = window.api
      ? window.api.explainImage({ imageId })
      : Promise.reject(new Error('window.api is missing: this page must run inside the app'));
    // An answer that arrives after the user moved on is still kept: paging back shows it at once.
    asked.then(
      (data) => settle({ status: 'ok', data }),
      (error: unknown) => settle({ status: 'error', message: messageOf(error) }),
    );
  }, [needed, imageId, attempt]);

  const retry = useCallback(() => {
    setResults((previous) => {
      const next = new Map(previous);
      next.delete(imageId);
      return next;
    });
    setAttempt((n) => n + 1);
  }, [imageId]);

  return { state: wanted ? (known ?? { status: 'loading' }) : null, retry };
}
