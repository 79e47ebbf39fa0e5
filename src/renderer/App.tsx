import {
  AppBar,
  Button,
  useMediaQuery,
  Container,
  CssBaseline,
  Tab,
  Tabs,
  ThemeProvider,
  Toolbar,
  Typography,
  createTheme,
} from '@mui/material';
import { lazy, Suspense, useCallback, useMemo, useState, type JSX } from 'react';
import { ImportView } from './import/ImportView';
import { LibraryPanel } from './library/LibraryPanel';
import { PatientsView } from './patients/PatientsView';
import { QueueView } from './queue/QueueView';

// Loaded when first opened, so the queue, the screen the app opens on, starts without them: the model
// screen's charts were a third of the start-up script, and the settings' schemas bring zod, a quarter.
const ModelView = lazy(() => import('./model/ModelView').then((module) => ({ default: module.ModelView })));
const SettingsView = lazy(() =>
  import('./settings/SettingsView').then((module) => ({ default: module.SettingsView })),
);

type Screen = 'queue' | 'import' | 'patients' | 'model' | 'library' | 'settings';

export function App(): JSX.Element {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [mode, setMode] = useState<'light' | 'dark' | null>(null);
  const palette = mode ?? (prefersDark ? 'dark' : 'light');
  const theme = useMemo(() => createTheme({ palette: { mode: palette } }), [palette]);
  const [screen, setScreen] = useState<Screen>('queue');
  // The model screen starts the model process to report its backend: only once it is first opened.
  const [modelOpened, setModelOpened] = useState(false);
  if (screen === 'model' && !modelOpened) setModelOpened(true);
  // Bumped when an import or a model change finishes, so the queue and the counts load afresh.
  const [generation, setGeneration] = useState(0);
  const imported = useCallback(() => setGeneration((g) => g + 1), []);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppBar position="static" elevation={0}>
        <Toolbar>
          <Typography variant="h6" component="h1" noWrap sx={{ mr: 4, flexShrink: 0 }}>
            Melanoma Triage
          </Typography>
          {/* Scrollable: at 125–150 % zoom the tabs outgrow the bar, and none may be cut off. */}
          <Tabs
            value={screen}
            onChange={(_event, value: Screen) => setScreen(value)}
            textColor="inherit"
            indicatorColor="secondary"
            aria-label="Screens"
            variant="scrollable"
            scrollButtons="auto"
            sx={{ flex: 1, minWidth: 0 }}
          >
            <Tab value="queue" label="Triage queue" />
            <Tab value="import" label="Import" />
            <Tab value="patients" label="Patients" />
            <Tab value="model" label="Model" />
            <Tab value="library" label="Library" />
            <Tab value="settings" label="Settings" />
          </Tabs>
          <Button
            color="inherit"
            sx={{ flexShrink: 0 }}
            onClick={() => setMode(palette === 'dark' ? 'light' : 'dark')}
          >
            {palette === 'dark' ? 'Light theme' : 'Dark theme'}
          </Button>
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg" sx={{ py: 3 }}>
        {screen === 'queue' && <QueueView key={generation} />}
        {/* Kept mounted while another screen shows, so an import in progress keeps its progress. */}
        <div hidden={screen !== 'import'}>
          <ImportView onImported={imported} />
        </div>
        {modelOpened && (
          <div hidden={screen !== 'model'}>
            <Suspense fallback={null}>
              <ModelView onModelChanged={imported} />
            </Suspense>
          </div>
        )}
        {screen === 'patients' && <PatientsView key={generation} />}
        {screen === 'library' && <LibraryPanel key={generation} />}
        {screen === 'settings' && (
          <Suspense fallback={null}>
            <SettingsView />
          </Suspense>
        )}
      </Container>
    </ThemeProvider>
  );
}
