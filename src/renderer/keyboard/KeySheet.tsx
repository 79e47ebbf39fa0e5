import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import type { JSX, KeyboardEvent } from 'react';
import { KEYMAP } from './keymap';

/** Every key of every screen, from the one key map. */
export function KeySheet({ open, onClose }: { open: boolean; onClose: () => void }): JSX.Element {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="key-sheet-title"
      // The screens below listen on the window: while the sheet is up, its keys are its own.
      onKeyDown={(event: KeyboardEvent) => event.stopPropagation()}
    >
      <DialogTitle id="key-sheet-title">Keys</DialogTitle>
      {/* Focusable: the list scrolls, and the keys that scroll it need somewhere to go. */}
      <DialogContent tabIndex={0}>
        {KEYMAP.map((section, n) => (
          <section key={section.screen} aria-labelledby={`key-sheet-${n}`}>
            <Typography
              variant="subtitle1"
              component="h3"
              id={`key-sheet-${n}`}
              sx={{ mt: 2, fontWeight: 600 }}
            >
              {section.screen}
            </Typography>
            <Table size="small" aria-label={`Keys: ${section.screen}`}>
              <TableHead>
                <TableRow>
                  <TableCell sx={{ width: '30%' }}>Key</TableCell>
                  <TableCell>What it does</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {section.bindings.map((binding) => (
                  <TableRow key={binding.keys}>
                    <TableCell>
                      <kbd>{binding.keys}</kbd>
                    </TableCell>
                    <TableCell>{binding.action}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </section>
        ))}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
