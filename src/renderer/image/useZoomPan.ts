import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent,
  type SyntheticEvent,
} from 'react';
import { clampView, FIT, fitted, maxZoom, panBy, placement, zoomAround, type Size, type View } from './zoom';

/** How fast the wheel zooms: a usual notch (100 px of deltaY) zooms by about 1.22×. */
const WHEEL_RATE = 0.002;
/** deltaY in lines (Firefox, some mice) as pixels. */
const LINE_HEIGHT = 16;

interface Geometry {
  fit: Size;
  viewport: Size;
  most: number;
}

export interface ZoomPan {
  /** For the element the image is shown in: its size decides "fit", and the wheel zooms in it. */
  attachViewport: (element: HTMLElement | null) => void;
  /** For the image's load event: its natural size. */
  onImageLoad: (event: SyntheticEvent<HTMLImageElement>) => void;
  /** Where the image is drawn, once both sizes are known. */
  layout: { fit: Size; x: number; y: number; scale: number; percent: number } | null;
  zoomBy: (factor: number) => void;
  reset: () => void;
  dragging: boolean;
  pointer: {
    onPointerDown: (event: PointerEvent<HTMLElement>) => void;
    onPointerMove: (event: PointerEvent<HTMLElement>) => void;
    onPointerUp: (event: PointerEvent<HTMLElement>) => void;
    onPointerCancel: (event: PointerEvent<HTMLElement>) => void;
  };
}

/**
 * Zoom (wheel around the cursor, or by steps around the centre) and pan (drag) of the image at `src`;
 * a new image starts at fit. The view is kept with the image it belongs to, so nothing needs resetting.
 */
export function useZoomPan(src: string): ZoomPan {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [viewport, setViewport] = useState<Size | null>(null);
  const [natural, setNatural] = useState<{ src: string; size: Size } | null>(null);
  const [stored, setStored] = useState<{ src: string; view: View }>({ src, view: FIT });
  const [dragging, setDragging] = useState(false);
  const drag = useRef<{ pointerId: number; x: number; y: number } | null>(null);

  const image = natural?.src === src ? natural.size : null;
  const [imageWidth, imageHeight] = [image?.width ?? 0, image?.height ?? 0];
  const [viewWidth, viewHeight] = [viewport?.width ?? 0, viewport?.height ?? 0];
  const geometry = useMemo<Geometry | null>(() => {
    if (!imageWidth || !imageHeight || !viewWidth || !viewHeight) return null;
    const size = { width: viewWidth, height: viewHeight };
    const fit = fitted({ width: imageWidth, height: imageHeight }, size);
    return { fit, viewport: size, most: maxZoom({ width: imageWidth, height: imageHeight }, fit) };
  }, [imageWidth, imageHeight, viewWidth, viewHeight]);

  /** Applies `change` to this image's view (a new image's starts at fit). */
  const update = useCallback(
    (change: (view: View, g: Geometry) => View) => {
      if (!geometry) return;
      setStored((previous) => ({ src, view: change(previous.src === src ? previous.view : FIT, geometry) }));
    },
    [geometry, src],
  );

  // Stable, so that key handlers bound to them need not be bound again on every render.
  const zoomBy = useCallback(
    (factor: number) =>
      update((v, g) =>
        zoomAround(
          v,
          factor,
          { x: g.viewport.width / 2, y: g.viewport.height / 2 },
          g.fit,
          g.viewport,
          g.most,
        ),
      ),
    [update],
  );
  const reset = useCallback(() => update(() => FIT), [update]);

  useEffect(() => {
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setViewport({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    // Passive listeners cannot stop the dialog from scrolling, so the wheel is taken here, not via React.
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const delta = event.deltaY * (event.deltaMode === WheelEvent.DOM_DELTA_LINE ? LINE_HEIGHT : 1);
      const box = element.getBoundingClientRect();
      const point = { x: event.clientX - box.left, y: event.clientY - box.top };
      update((view, g) => zoomAround(view, Math.exp(-delta * WHEEL_RATE), point, g.fit, g.viewport, g.most));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      observer.disconnect();
      element.removeEventListener('wheel', onWheel);
    };
  }, [element, update]);

  const view =
    geometry && stored.src === src
      ? clampView(stored.view, geometry.fit, geometry.viewport, geometry.most)
      : FIT;
  const layout = geometry &&
    image && {
      fit: geometry.fit,
      ...placement(view, geometry.fit, geometry.viewport),
      // Screen pixels per image pixel, as photo viewers show it.
      percent: (100 * geometry.fit.width * view.zoom) / image.width,
    };

  const endDrag = (event: PointerEvent<HTMLElement>): void => {
    if (drag.current?.pointerId !== event.pointerId) return;
    drag.current = null;
    setDragging(false);
  };
  return {
    attachViewport: setElement,
    onImageLoad: (event) => {
      const { naturalWidth, naturalHeight } = event.currentTarget;
      setNatural({ src, size: { width: naturalWidth, height: naturalHeight } });
    },
    layout,
    zoomBy,
    reset,
    dragging,
    pointer: {
      onPointerDown: (event) => {
        if (event.button !== 0) return;
        event.currentTarget.setPointerCapture(event.pointerId);
        drag.current = { pointerId: event.pointerId, x: event.clientX, y: event.clientY };
        setDragging(true);
      },
      onPointerMove: (event) => {
        const last = drag.current;
        if (last?.pointerId !== event.pointerId) return;
        const [dx, dy] = [event.clientX - last.x, event.clientY - last.y];
        drag.current = { ...last, x: event.clientX, y: event.clientY };
        update((v, g) => panBy(v, dx, dy, g.fit, g.viewport, g.most));
      },
      onPointerUp: endDrag,
      onPointerCancel: endDrag,
    },
  };
}
