import { Alert, AlertTitle, Box, Button, CircularProgress } from '@mui/material';
import type { JSX, ReactNode } from 'react';
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
          {state.message}
        </RetryAlert>
      );
    case 'ok':
      return <>{children(state.data)}</>;
  }
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
