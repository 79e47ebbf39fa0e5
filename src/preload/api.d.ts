import type { TriageApi } from '../api/contract';

declare global {
  interface Window {
    /** Set by src/preload/index.ts; absent when the page is opened outside the app. */
    readonly api: TriageApi | undefined;
  }
}

export {};
