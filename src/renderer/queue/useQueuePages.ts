/**
 * The ranked queue a page at a time: the pages the grid shows are fetched as it scrolls to them and
 * kept (a bounded number), all dropped when the query changes. A reload fetches them again but keeps
 * showing the old ones until the new ones arrive, so saving a label does not blank the grid.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiRequest, ApiResponse, QueueEntry } from '../../api/contract';
import { callErrorOf } from '../useApi';
import { takeArrived, takeEarly } from './earlyPage';
import { PAGE_SIZE, pageRequest, type QueueQuery } from './queueQuery';
/** Pages kept: a few screens' worth around where the user is, however far they scroll. */
const KEEP_PAGES = 40;
/** While the scrollbar is dragged, the pages wanted change every frame: ask at most this often. */
const FETCH_EVERY_MS = 100;

interface Page {
  /** The reload it answers; older pages are shown until their successors arrive. */
  generation: number;
  entries: QueueEntry[];
}

interface Cache {
  query: QueueQuery;
  generation: number;
  /** From the newest answer: the active model, its threshold and the number of matching images. */
  summary: Omit<ApiResponse<'queue'>, 'entries'> | null;
  pages: ReadonlyMap<number, Page>;
  error: QueueError | null;
}

/** A failed page's message and code (see api/call-errors.ts). */
export interface QueueError {
  message: string;
  code: string | null;
}

export interface QueuePages {
  /** Null until the first page of this query has arrived. */
  summary: Cache['summary'];
  error: QueueError | null;
  /** The entry at `index` of the queue, if its page is here. */
  entryAt(index: number): QueueEntry | undefined;
  /** The entry at `index`, fetched if its page is not here. */
  load(index: number): Promise<QueueEntry | undefined>;
  /** Fetches every page again, after a label or any other change to the queue. */
  reload(): void;
}

/** Keeps the pages that hold entries `first` up to `last` (exclusive) of `query`, and the first. */
export function useQueuePages(query: QueueQuery, first: number, last: number): QueuePages {
  const [cache, setCache] = useState<Cache>(() => firstCache(query));
  // A new query starts empty; the effect below fetches its first pages.
  const current = useMemo(
    () => (cache.query === query ? cache : emptyCache(query, cache.generation + 1)),
    [cache, query],
  );
  const inFlight = useRef(new Set<string>());
  const lastFetch = useRef(0);
  // Answers to a query the user has since left are dropped.
  const latest = useRef(query);
  useEffect(() => {
    latest.current = query;
  }, [query]);

  const fetchPage = useCallback(
    async (page: number, generation: number): Promise<ApiResponse<'queue'>> => {
      const key = `${generation}:${page}`;
      inFlight.current.add(key);
      try {
        const answer = await fetchQueue(pageRequest(query, page));
        if (latest.current === query) setCache((cached) => withPage(cached, query, generation, page, answer));
        return answer;
      } catch (error) {
        if (latest.current === query) {
          setCache((cached) => ({ ...sameQuery(cached, query, generation), error: callErrorOf(error) }));
        }
        throw error;
      } finally {
        inFlight.current.delete(key);
      }
    },
    [query],
  );

  const { generation, pages, summary } = current;
  // Until the first answer tells how many there are, only the first page is asked for.
  const end = Math.min(last, summary?.total ?? PAGE_SIZE);
  const firstPage = Math.min(Math.floor(first / PAGE_SIZE), Math.floor(Math.max(0, end - 1) / PAGE_SIZE));
  const lastPage = Math.max(firstPage, Math.floor((end - 1) / PAGE_SIZE));
  useEffect(() => {
    const wanted: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) {
      const fresh = (pages.get(page)?.generation ?? -1) >= generation;
      if (!fresh && !inFlight.current.has(`${generation}:${page}`)) wanted.push(page);
    }
    if (wanted.length === 0) return undefined;
    const fetchWanted = (): void => {
      lastFetch.current = performance.now();
      // A failed page is recorded as the cache's error; the grid offers to try again.
      for (const page of wanted) fetchPage(page, generation).catch(() => undefined);
    };
    const wait = lastFetch.current + FETCH_EVERY_MS - performance.now();
    if (wait <= 0) {
      fetchWanted();
      return undefined;
    }
    const timer = setTimeout(fetchWanted, wait);
    return () => clearTimeout(timer);
  }, [fetchPage, firstPage, lastPage, pages, generation]);

  const entryAt = useCallback(
    (index: number) => pages.get(Math.floor(index / PAGE_SIZE))?.entries[index % PAGE_SIZE],
    [pages],
  );
  const load = useCallback(
    async (index: number) => {
      const known = pages.get(Math.floor(index / PAGE_SIZE));
      const entries =
        known?.generation === generation
          ? known.entries
          : (await fetchPage(Math.floor(index / PAGE_SIZE), generation)).entries;
      return entries[index % PAGE_SIZE];
    },
    [pages, generation, fetchPage],
  );
  const reload = useCallback(
    () =>
      setCache((cached) =>
        cached.query === query ? { ...cached, generation: cached.generation + 1, error: null } : cached,
      ),
    [query],
  );
  return { summary, error: current.error, entryAt, load, reload };
}

/** With the first page already in it if it arrived while the app loaded: the first render shows it. */
function firstCache(query: QueueQuery): Cache {
  const arrived = takeArrived(pageRequest(query, 0));
  const empty = emptyCache(query, 0);
  return arrived ? withPage(empty, query, 0, 0, arrived) : empty;
}

function emptyCache(query: QueueQuery, generation: number): Cache {
  return { query, generation, summary: null, pages: new Map(), error: null };
}

/** The cache of `query`, started afresh at `generation` if it is not that query's yet. */
function sameQuery(cached: Cache, query: QueueQuery, generation: number): Cache {
  return cached.query === query ? cached : emptyCache(query, generation);
}

/** The cache with a page added, unless a reload has replaced the page's generation. */
function withPage(
  cached: Cache,
  query: QueueQuery,
  generation: number,
  page: number,
  { entries, ...summary }: ApiResponse<'queue'>,
): Cache {
  const base = sameQuery(cached, query, generation);
  if (generation < base.generation) return cached;
  const pages = new Map(base.pages).set(page, { generation, entries });
  // Beyond the pages kept, those farthest from this one go first.
  const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
  for (const far of byDistance.slice(0, Math.max(0, pages.size - KEEP_PAGES))) pages.delete(far);
  return { ...base, summary, pages, error: null };
}

function fetchQueue(request: ApiRequest<'queue'>): Promise<ApiResponse<'queue'>> {
  const early = takeEarly(request);
  if (early) return early;
  const api = window.api;
  if (!api) return Promise.reject(new Error('window.api is missing: this page must run inside the app'));
  return api.queue(request);
}
