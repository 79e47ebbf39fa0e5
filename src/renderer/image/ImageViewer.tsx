import { Box, Button, CircularProgress, Stack, ToggleButton, Typography } from '@mui/material';
import { useEffect, useState, type JSX } from 'react';
import { HeatmapCanvas, HeatmapControls, HeatmapLegend } from './HeatmapLayer';
import {
  DEFAULT_HEATMAP_STYLE,
  OPACITY_STEP,
  withOpacityStep,
  withOutlineToggled,
  type HeatmapStyle,
} from './heatmap';
import { imageViewKey } from './shortcuts';
import { useExplanation } from './useExplanation';
import { useZoomPan } from './useZoomPan';
import { ZOOM_STEP } from './zoom';
import { RetryAlert } from '../CallStateView';
import { TEXT_14 } from '../readingSize';

/**
 * The photograph at full resolution with zoom (wheel around the cursor, + and −, 0 to fit), pan (drag)
 * and the model's heatmap on demand (E; R outline or filled, [ and ] fainter and stronger), drawn over
 * the image so it follows zoom and pan. The image
 * comes through the app's image protocol, by id.
 */
export function ImageViewer({ imageId }: { imageId: number }): JSX.Element {
  const src = window.api?.imageUrl('image', imageId) ?? '';
  const { attachViewport, onImageLoad, layout, zoomBy, reset, dragging, pointer } = useZoomPan(src);
  // Kept from image to image: whoever wants the heatmap wants it on the next one too.
  const [heatmapOn, setHeatmapOn] = useState(false);
  const [heatmapStyle, setHeatmapStyle] = useState<HeatmapStyle>(DEFAULT_HEATMAP_STYLE);

  const explanation = useExplanation(imageId, heatmapOn);
  const map = explanation.state?.status === 'ok' ? explanation.state.data : null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const key = imageViewKey(event);
      if (key === '+' || key === '=') zoomBy(ZOOM_STEP);
      else if (key === '-' || key === '_') zoomBy(1 / ZOOM_STEP);
      else if (key === '0') reset();
      else if (key === 'e' || key === 'E') setHeatmapOn((on) => !on);
      else if (key === 'r' || key === 'R') setHeatmapStyle(withOutlineToggled);
      else if (key === '[') setHeatmapStyle(withOpacityStep(-OPACITY_STEP));
      else if (key === ']') setHeatmapStyle(withOpacityStep(OPACITY_STEP));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zoomBy, reset]);

  return (
    <Stack spacing={1} sx={{ minWidth: 0 }}>
      <Stack
        direction="row"
        useFlexGap
        role="toolbar"
        aria-label="Zoom and heatmap"
        // 14 px at least (issue 17): MUI's small buttons are 13 px.
        sx={{
          flexWrap: 'wrap',
          alignItems: 'center',
          gap: 1,
          '& .MuiButtonBase-root': TEXT_14,
        }}
      >
        <Button size="small" variant="outlined" onClick={() => zoomBy(1 / ZOOM_STEP)}>
          Zoom out (−)
        </Button>
        <Typography
          variant="body2"
          data-testid="zoom-level"
          aria-label="Zoom, screen pixels per image pixel"
          sx={{ minWidth: '4.5em', textAlign: 'center' }}
        >
          {layout ? `${Math.round(layout.percent)} %` : '—'}
        </Typography>
        <Button size="small" variant="outlined" onClick={() => zoomBy(ZOOM_STEP)}>
          Zoom in (+)
        </Button>
        <Button size="small" onClick={reset}>
          Fit (0)
        </Button>
        <ToggleButton
          size="small"
          value="heatmap"
          selected={heatmapOn}
          onChange={() => setHeatmapOn((on) => !on)}
          sx={{ py: 0.25 }}
        >
          Heatmap (E)
        </ToggleButton>
        {heatmapOn && (
          <HeatmapControls
            style={heatmapStyle}
            onOpacityStep={(step) => setHeatmapStyle(withOpacityStep(step))}
            onToggleOutline={() => setHeatmapStyle(withOutlineToggled)}
          />
        )}
        {explanation.state?.status === 'loading' && (
          <CircularProgress size={18} role="status" aria-label="Computing the heatmap" />
        )}
      </Stack>
      <Box
        ref={attachViewport}
        {...pointer}
        data-testid="image-viewport"
        aria-label="The photograph: wheel to zoom, drag to pan"
        sx={{
          position: 'relative',
          overflow: 'hidden',
          height: { xs: '50vh', md: '65vh' },
          minHeight: 200,
          bgcolor: 'grey.900',
          borderRadius: 1,
          cursor: dragging ? 'grabbing' : 'grab',
          // The drag pans the image; the browser must neither scroll nor select.
          touchAction: 'none',
          userSelect: 'none',
        }}
      >
        <Box
          data-testid="image-stage"
          sx={{ position: 'absolute', left: 0, top: 0, transformOrigin: '0 0' }}
          style={
            layout
              ? {
                  width: layout.fit.width,
                  height: layout.fit.height,
                  transform: `translate(${layout.x}px, ${layout.y}px) scale(${layout.scale})`,
                }
              : { visibility: 'hidden' }
          }
        >
          <Box
            component="img"
            src={src}
            alt="The photograph"
            draggable={false}
            onLoad={onImageLoad}
            sx={{ display: 'block', width: '100%', height: '100%' }}
          />
          {heatmapOn && map && <HeatmapCanvas explanation={map} style={heatmapStyle} />}
        </Box>
      </Box>
      {heatmapOn && map && <HeatmapLegend explanation={map} />}
      {explanation.state?.status === 'error' && (
        <RetryAlert onRetry={explanation.retry}>{explanation.state.message}</RetryAlert>
      )}
    </Stack>
  );
}
