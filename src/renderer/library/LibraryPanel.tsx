import { Box, Card, CardContent, CardHeader, Typography } from '@mui/material';
import type { JSX } from 'react';
import type { LibraryInfo } from '../../api/contract';
import { CallStateView } from '../CallStateView';
import { useApiCall } from '../useApi';

export function LibraryPanel(): JSX.Element {
  const { state, reload } = useApiCall('libraryInfo', undefined);
  return (
    <CallStateView
      state={state}
      reload={reload}
      busyLabel="Opening the library"
      errorTitle="Could not read the library"
    >
      {(info) => <LibraryCard info={info} />}
    </CallStateView>
  );
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
