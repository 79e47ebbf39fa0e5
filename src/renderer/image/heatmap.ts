/**
 * A coarse grid of heat values (0..1, row-major) made into a smooth RGBA picture to lay over the image:
 * bilinear between cell centres, transparent where the value is 0 and most opaque where it is 1, so
 * what the model found unremarkable stays visible underneath; or, as an outline, only the edges of the
 * hotter regions, leaving the lesion itself uncovered.
 */

/** Pixels of the drawn picture per grid cell; the browser stretches it over the image from there. */
export const PIXELS_PER_CELL = 32;
/** The opacity of a cell whose value is 1, unless the reader chooses another. */
export const MAX_ALPHA = 0.65;

/**
 * Viridis (matplotlib's), deep violet → blue → green → yellow. The former yellow → red ramp vanished
 * over red and brown lesions, the very places it marks; these hues stand apart from skin and lesion,
 * brightness rises with heat (the order reads without colour vision too), and the hottest is the
 * brightest colour on the picture.
 */
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The values whose edges an outline draws: where the map reaches half and four fifths of its top. */
export const OUTLINE_LEVELS = [0.5, 0.8] as const;

export interface HeatmapStyle {
  /** Filled, or only the edges of the regions at OUTLINE_LEVELS. */
  mode: 'fill' | 'outline';
  /** The opacity of the hottest fill, 0..1; an outline is drawn at this opacity relative to MAX_ALPHA. */
  opacity: number;
}

export const DEFAULT_HEATMAP_STYLE: HeatmapStyle = { mode: 'fill', opacity: MAX_ALPHA };
/** One press of [ or ]; the opacity stays within 0.1..1, so the map never vanishes while it is on. */
export const OPACITY_STEP = 0.1;
export const clampOpacity = (opacity: number): number =>
  Math.round(Math.min(Math.max(opacity, 0.1), 1) * 100) / 100;
export const withOpacityStep =
  (step: number) =>
  (style: HeatmapStyle): HeatmapStyle => ({ ...style, opacity: clampOpacity(style.opacity + step) });
export const withOutlineToggled = (style: HeatmapStyle): HeatmapStyle => ({
  ...style,
  mode: style.mode === 'fill' ? 'outline' : 'fill',
});

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

/** The colour of a heat value, 0..1, as 8-bit RGBA; `maxAlpha` is the opacity at 1. */
export function heatColour(value: number, maxAlpha = MAX_ALPHA): [number, number, number, number] {
  const t = Math.min(Math.max(value, 0), 1) * (STOPS.length - 1);
  const i = Math.min(Math.floor(t), STOPS.length - 2);
  const f = t - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]] as [readonly number[], readonly number[]];
  const mix = (k: number): number => Math.round((a[k] as number) * (1 - f) + (b[k] as number) * f);
  return [mix(0), mix(1), mix(2), Math.round(255 * maxAlpha * Math.min(Math.max(value, 0), 1))];
}

/** The overlay's RGBA pixels (for an ImageData) at PIXELS_PER_CELL per cell. */
export function heatmapPixels(
  cells: readonly number[],
  rows: number,
  columns: number,
  style: HeatmapStyle = DEFAULT_HEATMAP_STYLE,
): { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> } {
  const width = columns * PIXELS_PER_CELL;
  const height = rows * PIXELS_PER_CELL;
  const values = bilinear(cells, rows, columns, width, height);
  const rgba = new Uint8ClampedArray(width * height * 4);
  if (style.mode === 'fill') {
    values.forEach((value, i) => rgba.set(heatColour(value, style.opacity), i * 4));
    return { width, height, rgba };
  }
  const alpha = Math.round(255 * Math.min(1, style.opacity / MAX_ALPHA));
  for (const level of OUTLINE_LEVELS) {
    const [r, g, b] = heatColour(level);
    values.forEach((value, i) => {
      if (value >= level && touchesBelow(values, width, height, i, level)) rgba.set([r, g, b, alpha], i * 4);
    });
  }
  return { width, height, rgba };
}

/** Whether a pixel has a neighbour (of the eight) below `level`: it lies on that level's edge. */
function touchesBelow(
  values: Float32Array,
  width: number,
  height: number,
  i: number,
  level: number,
): boolean {
  const [x, y] = [i % width, Math.floor(i / width)];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const [nx, ny] = [x + dx, y + dy];
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      if ((values[ny * width + nx] as number) < level) return true;
    }
  }
  return false;
}

/** The legend's gradient, as CSS: the same colours and opacities as the overlay. */
export function legendGradient(): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => {
    const [r, g, b, a] = heatColour(v);
    return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)}) ${v * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
