import { Alert, AlertTitle, Box, Button, CircularProgress } from '@mui/material';
import type { JSX, ReactNode } from 'react';
import { plainError } from './errors/plainError';
import type { CallState } from './useApi';

/** A call's loading spinner, its error with a retry, or what `children` makes of its answer. */
export function CallStateView<T>({
  state,
  reload,
  busyLabel,
  errorTitle,
  children,
}: {
  state: CallState<T>;
  reload: () => void;
  busyLabel: string;
  errorTitle: string;
  children: (data: T) => ReactNode;
}): JSX.Element {
  switch (state.status) {
    case 'loading':
      return (
        <Box role="status" aria-label={busyLabel} sx={{ display: 'flex', justifyContent: 'center', py: 6 }}>
          <CircularProgress />
        </Box>
      );
    case 'error':
      return (
        <RetryAlert onRetry={reload}>
          <AlertTitle>{errorTitle}</AlertTitle>
          <ErrorText message={state.message} code={state.code ?? null} />
        </RetryAlert>
      );
    case 'ok':
      return <>{children(state.data)}</>;
  }
}

/**
 * A failed call in plain words, with main's own message (`SQLITE_BUSY: database is locked`, `library
 * busy: import running since …`) behind a disclosure for whoever looks into it.
 */
export function ErrorText({ message, code }: { message: string; code: string | null }): JSX.Element {
  const plain = plainError(code, message);
  return (
    <>
      {plain.sentence}
      {plain.detail && (
        <Box component="details" sx={{ mt: 1 }}>
          <Box component="summary" sx={{ cursor: 'pointer' }}>
            Technical detail
          </Box>
          <Box component="code" sx={{ display: 'block', mt: 0.5, wordBreak: 'break-word' }}>
            {code && /^[A-Z][A-Z_]+$/.test(code) ? `${code}: ${message}` : message}
          </Box>
        </Box>
      )}
    </>
  );
}

/** An error with a Retry button: what every screen shows when a call to main failed. */
export function RetryAlert({ onRetry, children }: { onRetry: () => void; children: ReactNode }): JSX.Element {
  return (
    <Alert
      severity="error"
      action={
        <Button color="inherit" size="small" onClick={onRetry}>
          Retry
        </Button>
      }
    >
      {children}
    </Alert>
  );
}
