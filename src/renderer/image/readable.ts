/** Readable at a distance (issue 17): no text in the image view under 14 px. */
export const TEXT_14 = { fontSize: '0.875rem' } as const;

/** A field's floating label is drawn at 0.75 of 16 px, 12 px; at 0.875, 14 px (its notch to match). */
export const FIELD_14 = {
  '& .MuiInputLabel-shrink': { transform: 'translate(14px, -9px) scale(0.875)' },
  '& legend': { fontSize: '0.875em' },
} as const;
