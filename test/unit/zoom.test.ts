import { describe, expect, it } from 'vitest';
import {
  clampView,
  FIT,
  fitted,
  maxZoom,
  panBy,
  placement,
  zoomAround,
  type Size,
  type View,
} from '../../src/renderer/image/zoom';

const image: Size = { width: 600, height: 450 };
const viewport: Size = { width: 800, height: 400 };
const fit = fitted(image, viewport);
const most = maxZoom(image, fit);

/** The image point (fractions of its width and height) drawn at a viewport point. */
function imagePointAt(view: View, point: { x: number; y: number }): [number, number] {
  const { x, y, scale } = placement(view, fit, viewport);
  return [(point.x - x) / (fit.width * scale), (point.y - y) / (fit.height * scale)];
}

describe('zoom and pan of the image view', () => {
  it('fits the whole image, centred, its aspect kept', () => {
    expect(fit).toEqual({ width: 400 * (600 / 450), height: 400 });
    expect(placement(FIT, fit, viewport)).toEqual({ x: (800 - fit.width) / 2, y: 0, scale: 1 });
  });

  it('zooms around the cursor: the image point under it stays under it', () => {
    const cursor = { x: 300, y: 120 };
    const before = imagePointAt(FIT, cursor);
    const zoomed = zoomAround(FIT, 3, cursor, fit, viewport, most);
    expect(zoomed.zoom).toBe(3);
    const after = imagePointAt(zoomed, cursor);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
  });

  it('pans with the drag and never past an edge of the image', () => {
    const zoomed = zoomAround(FIT, 4, { x: 400, y: 200 }, fit, viewport, most);
    const moved = panBy(zoomed, -50, 30, fit, viewport, most);
    const shift = placement(moved, fit, viewport);
    const start = placement(zoomed, fit, viewport);
    expect(shift.x - start.x).toBeCloseTo(-50, 9);
    expect(shift.y - start.y).toBeCloseTo(30, 9);
    // Dragged far right and down: the image's left and top edges stop at the viewport's.
    const far = placement(panBy(zoomed, 1e6, 1e6, fit, viewport, most), fit, viewport);
    expect(far.x).toBeCloseTo(0, 9);
    expect(far.y).toBeCloseTo(0, 9);
    // At fit nothing pans: the image stays centred.
    expect(panBy(FIT, 100, 100, fit, viewport, most)).toEqual(FIT);
  });

  it('keeps the zoom between fit and single pixels of the image', () => {
    expect(zoomAround(FIT, 0.1, { x: 10, y: 10 }, fit, viewport, most)).toEqual(FIT);
    expect(zoomAround(FIT, 1e6, { x: 10, y: 10 }, fit, viewport, most).zoom).toBe(most);
    // 8 screen pixels per image pixel at most.
    expect((fit.width * most) / image.width).toBeCloseTo(8, 9);
    expect(clampView({ zoom: 2, centreX: -1, centreY: 2 }, fit, viewport, most)).toEqual({
      zoom: 2,
      centreX: viewport.width / 2 / (fit.width * 2),
      centreY: 1 - viewport.height / 2 / (fit.height * 2),
    });
  });
});
