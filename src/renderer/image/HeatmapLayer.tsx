import { Box, Stack, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, type JSX } from 'react';
import type { Explanation } from '../../api/contract';
import { percent } from '../percent';
import { heatmapPixels, legendGradient } from './heatmap';

/**
 * The heatmap drawn over the whole image: it fills its parent, the element that carries the image
 * through zoom and pan, and is stretched as the model squashed the image to its square input.
 */
export function HeatmapCanvas({ explanation }: { explanation: Explanation }): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { cells, rows, columns } = explanation;
  const { width, height, rgba } = useMemo(() => heatmapPixels(cells, rows, columns), [cells, rows, columns]);
  useEffect(() => {
    canvas.current?.getContext('2d')?.putImageData(new ImageData(rgba, width, height), 0, 0);
  }, [rgba, width, height]);
  return (
    <Box
      component="canvas"
      ref={canvas}
      width={width}
      height={height}
      data-testid="heatmap"
      aria-hidden
      sx={{ position: 'absolute', inset: 0, width: '100%', height: '100%', pointerEvents: 'none' }}
    />
  );
}

/** What the colours mean, and which model they come from. */
export function HeatmapLegend({ explanation }: { explanation: Explanation }): JSX.Element {
  return (
    <Stack spacing={0.5} data-testid="heatmap-legend">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="caption">{percent(explanation.lowest)}</Typography>
        <Box
          sx={{
            flex: 1,
            height: 10,
            borderRadius: 1,
            border: 1,
            borderColor: 'divider',
            background: legendGradient(),
          }}
        />
        <Typography variant="caption">{percent(explanation.highest)}</Typography>
      </Stack>
      <Typography variant="caption" color="text.secondary">
        Where model {explanation.model} sees melanoma: each region&apos;s probability as if it were the whole
        image, from the least (clear) to the most suspicious (red) region of this image.
      </Typography>
    </Stack>
  );
}
