/**
 * Readable at arm's length beside a patient (issue 17): no text in the window under 14 px. MUI writes
 * helper texts and field labels at 12 px and small chips at 13 px; these bring each to 14 px.
 */
export const TEXT_14 = { fontSize: '0.875rem' } as const;

/** A field's floating label is drawn at 0.75 of 16 px, 12 px; at 0.875, 14 px (its notch to match). */
export const FIELD_14 = {
  '& .MuiInputLabel-shrink': { transform: 'translate(14px, -9px) scale(0.875)' },
  '& legend': { fontSize: '0.875em' },
} as const;

/** Helper texts, chips, table cells and buttons of a whole screen at 14 px: spread into its root `sx`. */
export const READING_SIZE = {
  '& .MuiFormHelperText-root, & .MuiChip-label, & .MuiTableCell-root, & .MuiButton-root': TEXT_14,
} as const;
