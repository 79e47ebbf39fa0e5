/**
 * A coarse grid of heat values (0..1, row-major) made into a smooth RGBA picture to lay over the image:
 * bilinear between cell centres, transparent where the value is 0 and a strong red where it is 1, so
 * what the model found unremarkable stays visible underneath.
 */

/** Pixels of the drawn picture per grid cell; the browser stretches it over the image from there. */
export const PIXELS_PER_CELL = 32;
/** The opacity of a cell whose value is 1. */
export const MAX_ALPHA = 0.65;

/** Yellow → orange → red: brightness falls as heat rises, so the order reads without colour vision too. */
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [255, 235, 59],
  [255, 120, 0],
  [213, 0, 0],
];

/** The grid sampled at width × height points, each cell's value at its centre, edges held flat. */
export function bilinear(
  cells: readonly number[],
  rows: number,
  columns: number,
  width: number,
  height: number,
): Float32Array {
  if (cells.length !== rows * columns)
    throw new RangeError(`${cells.length} cells are not ${rows} × ${columns}`);
  const out = new Float32Array(width * height);
  const cell = (r: number, c: number): number => cells[r * columns + c] as number;
  for (let py = 0; py < height; py++) {
    const v = Math.min(Math.max(((py + 0.5) / height) * rows - 0.5, 0), rows - 1);
    const r0 = Math.floor(v);
    const r1 = Math.min(r0 + 1, rows - 1);
    const dy = v - r0;
    for (let px = 0; px < width; px++) {
      const u = Math.min(Math.max(((px + 0.5) / width) * columns - 0.5, 0), columns - 1);
      const c0 = Math.floor(u);
      const c1 = Math.min(c0 + 1, columns - 1);
      const dx = u - c0;
      const top = cell(r0, c0) * (1 - dx) + cell(r0, c1) * dx;
      const bottom = cell(r1, c0) * (1 - dx) + cell(r1, c1) * dx;
      out[py * width + px] = top * (1 - dy) + bottom * dy;
    }
  }
  return out;
}

/** The colour of a heat value, 0..1, as 8-bit RGBA. */
export function heatColour(value: number): [number, number, number, number] {
  const t = Math.min(Math.max(value, 0), 1) * (STOPS.length - 1);
  const i = Math.min(Math.floor(t), STOPS.length - 2);
  const f = t - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]] as [readonly number[], readonly number[]];
  const mix = (k: number): number => Math.round((a[k] as number) * (1 - f) + (b[k] as number) * f);
  return [mix(0), mix(1), mix(2), Math.round(255 * MAX_ALPHA * Math.min(Math.max(value, 0), 1))];
}

/** The overlay's RGBA pixels (for an ImageData) at PIXELS_PER_CELL per cell. */
export function heatmapPixels(
  cells: readonly number[],
  rows: number,
  columns: number,
): { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> } {
  const width = columns * PIXELS_PER_CELL;
  const height = rows * PIXELS_PER_CELL;
  const values = bilinear(cells, rows, columns, width, height);
  const rgba = new Uint8ClampedArray(width * height * 4);
  values.forEach((value, i) => rgba.set(heatColour(value), i * 4));
  return { width, height, rgba };
}

/** The legend's gradient, as CSS: the same colours and opacities as the overlay. */
export function legendGradient(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => {
    const [r, g, b, a] = heatColour(v);
    return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)}) ${v * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
