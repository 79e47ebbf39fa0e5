/**
 * Which queue the user asks for, as the queue call's fields, and the grid's fixed sizes. Plain code, free
 * of React and MUI: the window's first script asks for the first page with it while the app loads.
 */
import type { ApiRequest } from '../../api/contract';
import type { DIAGNOSES } from '../../api/vocabulary';

/** Which queue: the order and the filters, without the page. */
export type QueueQuery = Omit<ApiRequest<'queue'>, 'offset' | 'limit'>;
export type Order = QueueQuery['order'];

/** Entries per call. */
export const PAGE_SIZE = 100;

export interface Filters {
  patient: string;
  studyId: number | null;
  label: 'any' | 'unlabeled' | 'melanoma' | 'not-melanoma';
  diagnosis: string;
  suspicious: boolean;
}

export const NO_FILTERS: Filters = {
  patient: '',
  studyId: null,
  label: 'any',
  diagnosis: '',
  suspicious: false,
};

/** What the queue shows first. */
export const FIRST_ORDER: Order = 'probability';

export function queueQuery(order: Order, f: Filters): QueueQuery {
  return {
    order,
    ...(f.patient ? { patient: f.patient } : {}),
    ...(f.studyId !== null ? { studyId: f.studyId } : {}),
    // "Label next" is about images nobody has labeled yet.
    ...(f.label === 'unlabeled' || order === 'uncertainty' ? { labeled: false } : {}),
    ...(f.label === 'melanoma' ? { melanoma: true } : {}),
    ...(f.label === 'not-melanoma' ? { melanoma: false } : {}),
    ...(f.diagnosis ? { diagnosis: f.diagnosis as (typeof DIAGNOSES)[number] } : {}),
    ...(f.suspicious ? { suspicious: true } : {}),
  };
}

/** The call for page `page` of the queue. */
export function pageRequest(query: QueueQuery, page: number): ApiRequest<'queue'> {
  return { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE };
}

/** Cards are of one height, so the grid can tell which are in view without measuring them. */
export const CARD_HEIGHT = 272;
export const THUMBNAIL_HEIGHT = 135;
export const GAP = 16;
/** Columns are as many as fit at this width or wider. */
export const MIN_COLUMN_WIDTH = 180;
