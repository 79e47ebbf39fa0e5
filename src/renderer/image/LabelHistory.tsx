import { List, ListItem, ListItemText, Typography } from '@mui/material';
import type { JSX } from 'react';
import { describeLabel } from '../../api/label-change';
import { formatDateTime, formatTime } from '../format/dateTime';
import { groupHistory } from './historyGroups';
import { asChoice, type StoredLabel } from './labelChoice';
import { TEXT_14 } from '../readingSize';

/** Every row of the label's history, newest first, edits seconds apart together, in local time. */
export function LabelHistory({ history }: { history: readonly StoredLabel[] }): JSX.Element {
  const rowText = (l: StoredLabel): string =>
    `${l.withdrawn ? 'Withdrawn: ' : ''}${describeLabel(asChoice(l))}`;
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        History
      </Typography>
      {history.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          Not labeled yet.
        </Typography>
      ) : (
        <List dense aria-label="Label history" sx={{ py: 0 }}>
          {groupHistory(history).map((group) => {
            const [newest, ...earlier] = group as [StoredLabel, ...StoredLabel[]];
            const steps = earlier.length
              ? ` · ${group.length} edits: ${[...group]
                  .reverse()
                  .map((l) => `${rowText(l)} at ${formatTime(l.labeledAt)}`)
                  .join('; ')}`
              : '';
            return (
              <ListItem key={newest.id} disableGutters>
                <ListItemText
                  primary={rowText(newest)}
                  secondary={`${newest.labeledBy}, ${formatDateTime(newest.labeledAt)}${newest.note ? ` — ${newest.note}` : ''}${steps}`}
                  slotProps={{ primary: { sx: TEXT_14 }, secondary: { sx: TEXT_14 } }}
                />
              </ListItem>
            );
          })}
        </List>
      )}
    </>
  );
}
