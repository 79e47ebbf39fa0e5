import { describe, expect, it } from 'vitest';
import {
  bilinear,
  heatColour,
  heatmapPixels,
  MAX_ALPHA,
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

  it('is clear where the value is 0 and most opaque, darker and redder where it is 1', () => {
    expect(heatColour(0)[3]).toBe(0);
    expect(heatColour(1)[3]).toBe(Math.round(255 * MAX_ALPHA));
    const [low, middle, high] = [heatColour(0.1), heatColour(0.5), heatColour(0.9)];
    const brightness = (c: number[]): number => (c[0] as number) + (c[1] as number) + (c[2] as number);
    expect(brightness(low)).toBeGreaterThan(brightness(middle));
    expect(brightness(middle)).toBeGreaterThan(brightness(high));
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
});
