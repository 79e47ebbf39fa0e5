import { useSyncExternalStore } from 'react';
import { CONFIRMATIONS, type Confirmation } from '../../api/vocabulary';

/**
 * How the labels of this session are confirmed, chosen once (a clinic labels a batch of biopsied
 * lesions, or a batch seen clinically): M, N or a digit then records it with the label, so a label and
 * its confirmation take one key. Kept for the window's session (sessionStorage), not across launches:
 * tomorrow's batch may be confirmed differently, and a stale default would record a wrong method.
 */
const STORAGE_KEY = 'triage.sessionConfirmation';
const listeners = new Set<() => void>();

function read(): Confirmation | null {
  const stored = globalThis.sessionStorage?.getItem(STORAGE_KEY) ?? null;
  return CONFIRMATIONS.find((c) => c === stored) ?? null;
}

export function setSessionConfirmation(confirmation: Confirmation | null): void {
  if (confirmation) sessionStorage.setItem(STORAGE_KEY, confirmation);
  else sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The session's default confirmation, or null while none is chosen. */
export function useSessionConfirmation(): Confirmation | null {
  return useSyncExternalStore(subscribe, read);
}
