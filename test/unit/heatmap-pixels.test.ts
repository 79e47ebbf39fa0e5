import { describe, expect, it } from 'vitest';
import {
  bilinear,
  heatColour,
  heatmapPixels,
  MAX_ALPHA,
  OUTLINE_LEVELS,
  PIXELS_PER_CELL,
} from '../../src/renderer/image/heatmap';

describe('the heatmap overlay', () => {
  it('interpolates bilinearly between cell centres and holds the edges', () => {
    // 1 × 2 cells [0, 1] sampled at 4 points across: centres at x = 0.5 and 1.5 of 2.
    expect([...bilinear([0, 1], 1, 2, 4, 1)]).toEqual([0, 0.25, 0.75, 1]);
    // 2 × 2: the middle of the picture is the mean of the four cells.
    const grid = bilinear([0, 1, 1, 0], 2, 2, 2, 2);
    expect([...grid]).toEqual([0, 1, 1, 0]);
    const fine = bilinear([0, 1, 1, 0], 2, 2, 3, 3);
    expect(fine[4]).toBeCloseTo(0.5, 9);
    expect(() => bilinear([0, 1, 2], 2, 2, 4, 4)).toThrow(/3 cells are not 2 × 2/);
  });

  it('is clear where the value is 0 and most opaque and brightest where it is 1, never red', () => {
    expect(heatColour(0)[3]).toBe(0);
    expect(heatColour(1)[3]).toBe(Math.round(255 * MAX_ALPHA));
    expect(heatColour(1, 0.3)[3]).toBe(Math.round(255 * 0.3));
    const [low, middle, high] = [heatColour(0.1), heatColour(0.5), heatColour(0.9)];
    const brightness = (c: number[]): number => (c[0] as number) + (c[1] as number) + (c[2] as number);
    expect(brightness(low)).toBeLessThan(brightness(middle));
    expect(brightness(middle)).toBeLessThan(brightness(high));
    // A lesion is red to brown: no colour of the ramp is mostly red (red well above green and blue).
    for (let v = 0; v <= 1; v += 0.05) {
      const [r, g, b] = heatColour(v);
      expect({ v, reddish: r > 1.5 * g && r > 1.5 * b }).toEqual({ v, reddish: false });
    }
    expect(low[3]).toBeLessThan(middle[3]);
    expect(middle[3]).toBeLessThan(high[3]);
  });

  it('draws a 7 × 7 map as RGBA pixels, the hottest cell where the map has it', () => {
    const cells = Array.from({ length: 49 }, (_, i) => (i === 2 * 7 + 5 ? 1 : 0));
    const { width, height, rgba } = heatmapPixels(cells, 7, 7);
    expect([width, height]).toEqual([7 * PIXELS_PER_CELL, 7 * PIXELS_PER_CELL]);
    expect(rgba).toHaveLength(width * height * 4);
    let hottest = 0;
    for (let i = 1; i < width * height; i++) if (rgba[i * 4 + 3]! > rgba[hottest * 4 + 3]!) hottest = i;
    expect(Math.floor((hottest % width) / PIXELS_PER_CELL)).toBe(5);
    expect(Math.floor(Math.floor(hottest / width) / PIXELS_PER_CELL)).toBe(2);
    // Far from the hot cell the overlay is clear.
    expect(rgba[3]).toBe(0);
  });

  it('draws at the chosen opacity, or only the edges of the hotter regions as an outline', () => {
    const cells = Array.from({ length: 49 }, (_, i) => (i === 3 * 7 + 3 ? 1 : 0));
    const alphas = (rgba: Uint8ClampedArray): number[] => [...rgba].filter((_, i) => i % 4 === 3);
    const faint = alphas(heatmapPixels(cells, 7, 7, { mode: 'fill', opacity: 0.2 }).rgba);
    // Sampled half a pixel off the cell's centre, the top is a shade under the hottest value's.
    expect(Math.max(...faint)).toBeLessThanOrEqual(Math.round(255 * 0.2));
    expect(Math.max(...faint)).toBeGreaterThan(255 * 0.2 - 3);

    const outline = heatmapPixels(cells, 7, 7, { mode: 'outline', opacity: MAX_ALPHA });
    const drawn = alphas(outline.rgba);
    const width = outline.width;
    // The centre of the hot cell is inside both outlines, so left clear; its edges are drawn, opaque.
    const centre = Math.floor(3.5 * PIXELS_PER_CELL) * width + Math.floor(3.5 * PIXELS_PER_CELL);
    expect(drawn[centre]).toBe(0);
    expect(Math.max(...drawn)).toBe(255);
    // Lines, not areas: a small share of the picture, and nothing far from the hot cell.
    expect(drawn.filter((a) => a > 0).length / drawn.length).toBeLessThan(0.05);
    expect(drawn[0]).toBe(0);
    // One line per level, each in its level's colour.
    const colours = new Set<string>();
    for (let i = 0; i < drawn.length; i++) {
      if (drawn[i]! > 0) colours.add([...outline.rgba.subarray(i * 4, i * 4 + 3)].join());
    }
    expect(colours.size).toBe(OUTLINE_LEVELS.length);
  });
});
