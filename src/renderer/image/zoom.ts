/**
 * Zoom and pan of one image in a viewport, as plain arithmetic. A view is kept as the zoom relative to
 * "fit" and the point of the image (as fractions of its width and height) at the viewport's centre, so
 * it survives a resize of the window unchanged; where the image lands on screen is derived from it.
 */

export interface Size {
  width: number;
  height: number;
}

export interface View {
  /** 1 shows the whole image as large as the viewport allows. */
  zoom: number;
  /** The image point at the viewport's centre, 0..1 across and down. */
  centreX: number;
  centreY: number;
}

export const FIT: View = { zoom: 1, centreX: 0.5, centreY: 0.5 };

/** Zoom per press of a button or key. */
export const ZOOM_STEP = 1.25;

/** The image's size at zoom 1: contained in the viewport, its aspect kept. */
export function fitted(image: Size, viewport: Size): Size {
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height);
  return { width: image.width * scale, height: image.height * scale };
}

/** Far enough in to see single pixels of the image (8 screen pixels each), and always at least 4×. */
export function maxZoom(image: Size, fit: Size): number {
  return Math.max(4, (8 * image.width) / fit.width);
}

/** The view within its limits: zoom from 1 to `most`, and no pan past an edge of the image. */
export function clampView(view: View, fit: Size, viewport: Size, most: number): View {
  const zoom = Math.min(Math.max(view.zoom, 1), most);
  const axis = (centre: number, length: number, room: number): number => {
    const shown = length * zoom;
    // An image narrower than the viewport stays centred; a wider one keeps its edges at or outside it.
    if (shown <= room) return 0.5;
    const half = room / 2 / shown;
    return Math.min(Math.max(centre, half), 1 - half);
  };
  return {
    zoom,
    centreX: axis(view.centreX, fit.width, viewport.width),
    centreY: axis(view.centreY, fit.height, viewport.height),
  };
}

/** Where the image's top-left corner lands in the viewport, and its scale from the fitted size. */
export function placement(view: View, fit: Size, viewport: Size): { x: number; y: number; scale: number } {
  return {
    x: viewport.width / 2 - view.centreX * fit.width * view.zoom,
    y: viewport.height / 2 - view.centreY * fit.height * view.zoom,
    scale: view.zoom,
  };
}

/** Zoomed by `factor` so that the image point under `point` (viewport coordinates) stays under it. */
export function zoomAround(
  view: View,
  factor: number,
  point: { x: number; y: number },
  fit: Size,
  viewport: Size,
  most: number,
): View {
  const before = placement(view, fit, viewport);
  const zoom = Math.min(Math.max(view.zoom * factor, 1), most);
  // The image point under the cursor, as fractions of the image.
  const u = (point.x - before.x) / (fit.width * view.zoom);
  const v = (point.y - before.y) / (fit.height * view.zoom);
  const x = point.x - u * fit.width * zoom;
  const y = point.y - v * fit.height * zoom;
  const moved = {
    zoom,
    centreX: (viewport.width / 2 - x) / (fit.width * zoom),
    centreY: (viewport.height / 2 - y) / (fit.height * zoom),
  };
  return clampView(moved, fit, viewport, most);
}

/** Moved by a drag of (dx, dy) screen pixels: the image follows the pointer. */
export function panBy(view: View, dx: number, dy: number, fit: Size, viewport: Size, most: number): View {
  return clampView(
    {
      zoom: view.zoom,
      centreX: view.centreX - dx / (fit.width * view.zoom),
      centreY: view.centreY - dy / (fit.height * view.zoom),
    },
    fit,
    viewport,
    most,
  );
}
