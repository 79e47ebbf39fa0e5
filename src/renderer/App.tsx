import {
  AppBar,
  Container,
  CssBaseline,
  Tab,
  Tabs,
  ThemeProvider,
  Toolbar,
  Typography,
  createTheme,
} from '@mui/material';
import { useState, type JSX } from 'react';
import { LibraryPanel } from './library/LibraryPanel';
import { QueueView } from './queue/QueueView';

const theme = createTheme({ palette: { mode: 'light' } });

type Screen = 'queue' | 'library';

export function App(): JSX.Element {
  const [screen, setScreen] = useState<Screen>('queue');
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppBar position="static" elevation={0}>
        <Toolbar>
          <Typography variant="h6" component="h1" sx={{ mr: 4 }}>
            Melanoma Triage
          </Typography>
          <Tabs
            value={screen}
            onChange={(_event, value: Screen) => setScreen(value)}
            textColor="inherit"
            indicatorColor="secondary"
            aria-label="Screens"
          >
            <Tab value="queue" label="Triage queue" />
            <Tab value="library" label="Library" />
          </Tabs>
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg" sx={{ py: 3 }}>
        {screen === 'queue' ? <QueueView /> : <LibraryPanel />}
      </Container>
    </ThemeProvider>
  );
}
