import { Stack, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { memo, type JSX } from 'react';
import { QueueFilters } from './QueueFilters';
import type { Filters, Order } from './queueQuery';

/**
 * The queue's order and filters. Its own chunk, loaded once the first page has been painted (see
 * useAfterFirstPage): MUI's selects are much of the code the window would otherwise run before it.
 * Memoized: the queue re-renders as it scrolls, and these only change with their values.
 */
export const QueueControls = memo(function QueueControls({
  order,
  filters,
  onOrder,
  onFilters,
  patientListOpen,
  onPatientList,
}: {
  order: Order;
  filters: Filters;
  onOrder: (order: Order) => void;
  onFilters: (filters: Filters) => void;
  /** The patient list is open: opened by a click or by the queue's P key. */
  patientListOpen: boolean;
  onPatientList: (open: boolean) => void;
}): JSX.Element {
  return (
    <Stack direction="row" spacing={3} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={order}
        onChange={(_event, value: Order | null) => value && onOrder(value)}
        aria-label="Order"
      >
        <ToggleButton value="probability">Most suspicious first</ToggleButton>
        <ToggleButton value="uncertainty">Label next</ToggleButton>
      </ToggleButtonGroup>
      <QueueFilters
        value={filters}
        onChange={onFilters}
        patientListOpen={patientListOpen}
        onPatientList={onPatientList}
      />
    </Stack>
  );
});
