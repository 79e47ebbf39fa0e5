import { Button, Paper, Stack, Typography } from '@mui/material';
import type { JSX } from 'react';

/**
 * The queue of a library with no photographs yet, as on a first launch: what the app is for, what it
 * is not, and the way to the import screen. The button takes the focus, as the first card would.
 */
export function EmptyLibrary({ onImport }: { onImport: () => void }): JSX.Element {
  return (
    <Paper variant="outlined" sx={{ p: 4 }} data-testid="empty-library">
      <Stack spacing={2} sx={{ alignItems: 'flex-start', maxWidth: '70ch' }}>
        <Typography variant="h5" component="h2">
          No photographs in the library yet
        </Typography>
        <Typography component="p">
          Melanoma Triage ranks skin photographs by their probability of melanoma, computed on this machine,
          so the most suspicious are seen first.
        </Typography>
        <Typography component="p">
          It does not diagnose: the dermatologist decides, and records the diagnosis and how it was confirmed.
        </Typography>
        <Typography component="p">
          Nothing leaves this computer: the photographs, the labels and the model stay in the library.
        </Typography>
        <Button variant="contained" size="large" autoFocus onClick={onImport}>
          Import photographs
        </Button>
      </Stack>
    </Paper>
  );
}
