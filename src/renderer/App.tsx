import {
  Alert,
  AlertTitle,
  AppBar,
  Box,
  Button,
  Card,
  CardContent,
  CardHeader,
  CircularProgress,
  Container,
  CssBaseline,
  ThemeProvider,
  Toolbar,
  Typography,
  createTheme,
} from '@mui/material';
import type { JSX } from 'react';
import type { LibraryInfo } from '../api/contract';
import { useApiCall } from './useApi';

const theme = createTheme({ palette: { mode: 'light' } });

export function App(): JSX.Element {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppBar position="static" elevation={0}>
        <Toolbar>
          <Typography variant="h6" component="h1">
            Melanoma Triage
          </Typography>
        </Toolbar>
      </AppBar>
      <Container maxWidth="md" sx={{ py: 4 }}>
        <LibraryPanel />
      </Container>
    </ThemeProvider>
  );
}

function LibraryPanel(): JSX.Element {
  const { state, reload } = useApiCall('libraryInfo', undefined);
  switch (state.status) {
    case 'loading':
      return (
        <Box
          role="status"
          aria-label="Opening the library"
          sx={{ display: 'flex', justifyContent: 'center', py: 6 }}
        >
          <CircularProgress />
        </Box>
      );
    case 'error':
      return (
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={reload}>
              Retry
            </Button>
          }
        >
          <AlertTitle>Could not read the library</AlertTitle>
          {state.message}
        </Alert>
      );
    case 'ok':
      return <LibraryCard info={state.data} />;
  }
}

function LibraryCard({ info }: { info: LibraryInfo }): JSX.Element {
  const counts: [label: string, testId: string, value: number][] = [
    ['Patients', 'count-patients', info.patients],
    ['Studies', 'count-studies', info.studies],
    ['Images', 'count-images', info.images],
    ['Labeled images', 'count-labeled-images', info.labeledImages],
  ];
  return (
    <Card variant="outlined">
      <CardHeader title="Library" subheader={`Schema version ${info.schemaVersion}`} />
      <CardContent>
        <Typography variant="overline" component="div" color="text.secondary">
          Data directory
        </Typography>
        <Typography data-testid="data-dir" sx={{ fontFamily: 'monospace', wordBreak: 'break-all', mb: 3 }}>
          {info.dataDir}
        </Typography>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: 2, m: 0 }}>
          {counts.map(([label, testId, value]) => (
            <Box key={testId} sx={{ display: 'flex', flexDirection: 'column-reverse' }}>
              <Typography component="dt" variant="body2" color="text.secondary">
                {label}
              </Typography>
              <Typography component="dd" variant="h4" data-testid={testId} sx={{ m: 0 }}>
                {value.toLocaleString()}
              </Typography>
            </Box>
          ))}
        </Box>
      </CardContent>
    </Card>
  );
}
