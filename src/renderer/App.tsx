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
import { QueueView } from './queue/QueueView';

// Loaded and rendered when first opened, so the queue, the screen the app opens on, starts without
// them: the model screen's charts were a third of the start-up script, the settings' schemas bring zod,
// a quarter, and rendering the other screens' MUI components cost the first page about 100 ms.
const ModelView = lazy(() => import('./model/ModelView').then((module) => ({ default: module.ModelView })));
const SettingsView = lazy(() =>
  import('./settings/SettingsView').then((module) => ({ default: module.SettingsView })),
);
const ImportView = lazy(() =>
  import('./import/ImportView').then((module) => ({ default: module.ImportView })),
);
const PatientsView = lazy(() =>
  import('./patients/PatientsView').then((module) => ({ default: module.PatientsView })),
);
const LibraryPanel = lazy(() =>
  import('./library/LibraryPanel').then((module) => ({ default: module.LibraryPanel })),
);

type Screen = 'queue' | 'import' | 'patients' | 'model' | 'library' | 'settings';
/** Screens kept mounted once opened: an import keeps its progress, the model screen its retraining. */
type KeptScreen = 'import' | 'model';

export function App(): JSX.Element {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [mode, setMode] = useState<'light' | 'dark' | null>(null);
  const palette = mode ?? (prefersDark ? 'dark' : 'light');
  const theme = useMemo(() => createTheme({ palette: { mode: palette } }), [palette]);
  const [screen, setScreen] = useState<Screen>('queue');
  // Each mounts when first opened; the model screen then starts the model process to report its backend.
  const [opened, setOpened] = useState<ReadonlySet<KeptScreen>>(new Set());
  if ((screen === 'import' || screen === 'model') && !opened.has(screen)) {
    setOpened(new Set([...opened, screen]));
  }
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
        <Suspense fallback={null}>
          {opened.has('import') && (
            <div hidden={screen !== 'import'}>
              <ImportView onImported={imported} />
            </div>
          )}
          {opened.has('model') && (
            <div hidden={screen !== 'model'}>
              <ModelView onModelChanged={imported} />
            </div>
          )}
          {screen === 'patients' && <PatientsView key={generation} />}
          {screen === 'library' && <LibraryPanel key={generation} />}
          {screen === 'settings' && <SettingsView />}
        </Suspense>
      </Container>
    </ThemeProvider>
  );
}
