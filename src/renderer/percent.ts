/**
 * A probability or a rate as every screen shows it; a dash where there is none. Its own module: the
 * queue and the image view use it without loading the model screen's charts.
 */
export const percent = (value: number | null): string =>
  value === null ? '—' : `${(100 * value).toFixed(1)} %`;
