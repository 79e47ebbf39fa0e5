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
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type JSX } from 'react';
import { shortcutKey } from './image/shortcuts';
import { KeySheet } from './keyboard/KeySheet';
import { QueueView } from './queue/QueueView';
import { NO_FILTERS, type Filters } from './queue/queueQuery';
import type { ImportedStudy } from './import/ImportReport';
import { saveTheme, savedTheme, type ThemeMode } from './themeChoice';

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
  const [mode, setMode] = useState<ThemeMode | null>(savedTheme);
  const palette = mode ?? (prefersDark ? 'dark' : 'light');
  const switchTheme = (): void => {
    const next = palette === 'dark' ? 'light' : 'dark';
    saveTheme(next);
    setMode(next);
  };
  const [keysShown, setKeysShown] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (shortcutKey(event) === '?') setKeysShown(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const theme = useMemo(() => createTheme({ palette: { mode: palette } }), [palette]);
  const [screen, setScreen] = useState<Screen>('queue');
  // The queue opens on these filters: none, or the study an import's "Open this study's images" names.
  const [queueFilters, setQueueFilters] = useState<Filters>(NO_FILTERS);
  const openStudy = useCallback((study: ImportedStudy) => {
    setQueueFilters({ ...NO_FILTERS, patient: study.patient, studyId: study.studyId });
    setScreen('queue');
  }, []);
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
            // Unselected tabs are MUI's 60 % white, 2.6:1 on the bar's blue; full white is 4.6:1 (AA:
            // 4.5:1). The indicator marks the selected one.
            sx={{ flex: 1, minWidth: 0, '& .MuiTab-root': { opacity: 1 } }}
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
            aria-keyshortcuts="?"
            onClick={() => setKeysShown(true)}
          >
            Keys (?)
          </Button>
          <Button color="inherit" sx={{ flexShrink: 0 }} onClick={switchTheme}>
            {palette === 'dark' ? 'Light theme' : 'Dark theme'}
          </Button>
        </Toolbar>
      </AppBar>
      <Container component="main" maxWidth="lg" sx={{ py: 3 }}>
        {screen === 'queue' && (
          <QueueView key={generation} initialFilters={queueFilters} onImport={() => setScreen('import')} />
        )}
        <Suspense fallback={null}>
          {opened.has('import') && (
            <div hidden={screen !== 'import'}>
              <ImportView onImported={imported} onOpenStudy={openStudy} />
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
      <KeySheet open={keysShown} onClose={() => setKeysShown(false)} />
    </ThemeProvider>
  );
}
