/**
 * The queue's first page, asked for as the window's first, small script runs, while the app's code
 * still loads (about half a second on a slow machine): the queue is the screen the app opens on. When
 * the answer arrives, the thumbnails the window can show are fetched at once, so the cards find them
 * loaded. Only the queue's very first call can use the answer, and only if it asks the same.
 */
import type { ApiRequest, ApiResponse } from '../../api/contract';
import {
  CARD_HEIGHT,
  FIRST_ORDER,
  GAP,
  MIN_COLUMN_WIDTH,
  NO_FILTERS,
  pageRequest,
  queueQuery,
} from './queueQuery';

interface Early {
  request: string;
  answer: Promise<ApiResponse<'queue'>>;
  /** The answer, once it is here. */
  arrived?: ApiResponse<'queue'>;
}

let early: Early | undefined;
/** Held until the cards show them, so the browser keeps them loaded. */
const preloaded: HTMLImageElement[] = [];

export function askForFirstPage(): void {
  const request = pageRequest(queueQuery(FIRST_ORDER, NO_FILTERS), 0);
  const answer = window.api?.queue(request);
  if (!answer) return;
  const asked: Early = { request: JSON.stringify(request), answer };
  early = asked;
  // A failure is reported when the queue takes the answer; one never taken must not be unhandled.
  answer.then(
    (page) => {
      asked.arrived = page;
      preloadThumbnails(page.entries.map((entry) => entry.imageId));
    },
    () => undefined,
  );
}

/** The early answer if `request` is what was asked early and it has arrived; after the first call, never. */
export function takeArrived(request: ApiRequest<'queue'>): ApiResponse<'queue'> | undefined {
  if (early?.arrived === undefined || early.request !== JSON.stringify(request)) return undefined;
  const { arrived } = early;
  early = undefined;
  return arrived;
}

/** The early answer, arrived or not, if `request` is what was asked early; after the first call, never. */
export function takeEarly(request: ApiRequest<'queue'>): Promise<ApiResponse<'queue'>> | undefined {
  const taken = early;
  early = undefined;
  return taken?.request === JSON.stringify(request) ? taken.answer : undefined;
}

/** The thumbnails of the first cards, as many as the window has room for, at most a page's. */
function preloadThumbnails(imageIds: number[]): void {
  const api = window.api;
  if (!api) return;
  const columns = Math.ceil(window.innerWidth / (MIN_COLUMN_WIDTH + GAP));
  const rows = Math.ceil(window.innerHeight / (CARD_HEIGHT + GAP));
  for (const imageId of imageIds.slice(0, columns * rows)) {
    const image = new Image();
    image.decoding = 'async';
    // After the app's own code, which is loading meanwhile.
    image.fetchPriority = 'low';
    image.src = api.imageUrl('thumb', imageId);
    // Decoded now, off the main thread, the thumbnail paints with the first frame that shows its card.
    image.decode().catch(() => undefined);
    preloaded.push(image);
  }
  // Long enough for the first render; then the cards' own images hold them.
  setTimeout(() => (preloaded.length = 0), 10_000);
}
