import { Alert, AlertTitle, Button, List, ListItem, ListItemText, Stack } from '@mui/material';
import type { JSX } from 'react';
import type { JobFinished } from '../useJob';

/** The study an import went into, for the queue to show alone. */
export interface ImportedStudy {
  patient: string;
  studyId: number;
}

type Outcome = 'success' | 'warnings' | 'partial' | 'failed';

/**
 * Failed when nothing came in and something failed; partial when anything failed, was not reached or
 * was cancelled; warnings when all came in but something needs a look (another patient's photograph).
 */
function outcomeOf(event: JobFinished): Outcome {
  const r = event.import;
  if (event.outcome === 'failed' || !r) return 'failed';
  const arrived = r.imported + r.alreadyImported + r.duplicates;
  if (arrived === 0 && r.failed > 0) return 'failed';
  if (event.outcome === 'cancelled' || r.failed > 0 || r.notProcessed > 0) return 'partial';
  return r.warnings.length > 0 ? 'warnings' : 'success';
}

const SEVERITY = { success: 'success', warnings: 'warning', partial: 'warning', failed: 'error' } as const;
const TITLE = {
  success: 'Import finished',
  warnings: 'Import finished with warnings',
  partial: 'Import finished with failures',
  failed: 'Import failed',
} as const;

/** The outcome, green, amber or red; every file not imported and why; warnings; and the way to the images. */
export function ImportReport({
  event,
  onOpenStudy,
}: {
  event: JobFinished;
  onOpenStudy: (study: ImportedStudy) => void;
}): JSX.Element {
  const report = event.import;
  const outcome = outcomeOf(event);
  const title = event.outcome === 'cancelled' ? 'Import cancelled' : TITLE[outcome];
  const { patient, studyId } = report ?? {};
  return (
    <Stack spacing={1} data-testid="import-report" data-outcome={outcome}>
      <Alert severity={SEVERITY[outcome]}>
        <AlertTitle>{title}</AlertTitle>
        {event.outcome === 'failed' && event.message}
        {report &&
          `${report.imported} imported, ${report.alreadyImported} already there, ${report.duplicates} duplicate(s), ` +
            `${report.failed} failed${report.notProcessed ? `, ${report.notProcessed} not reached` : ''}; ` +
            `${report.ranked} image(s) ranked.`}
      </Alert>
      {report?.warnings.map((w) => (
        <Alert key={w} severity="warning">
          {w}
        </Alert>
      ))}
      {report && patient && studyId && report.imported + report.alreadyImported + report.duplicates > 0 && (
        <div>
          <Button variant="contained" onClick={() => onOpenStudy({ patient, studyId })}>
            Open this study’s images
          </Button>
        </div>
      )}
      {report && report.files.length > 0 && (
        <List dense aria-label="Files not imported">
          {report.files.map((f) => (
            <ListItem key={f.path} disableGutters>
              <ListItemText primary={f.path} secondary={`${f.status}: ${f.reason}`} />
            </ListItem>
          ))}
        </List>
      )}
    </Stack>
  );
}
