import { Box, Button, Stack, ToggleButton, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, type JSX } from 'react';
import type { Explanation } from '../../api/contract';
import { percent } from '../percent';
import { heatmapPixels, legendGradient, OPACITY_STEP, type HeatmapStyle } from './heatmap';

/**
 * The heatmap drawn over the whole image: it fills its parent, the element that carries the image
 * through zoom and pan, and is stretched as the model squashed the image to its square input.
 */
export function HeatmapCanvas({
  explanation,
  style,
}: {
  explanation: Explanation;
  style: HeatmapStyle;
}): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { cells, rows, columns } = explanation;
  const { mode, opacity } = style;
  const { width, height, rgba } = useMemo(
    () => heatmapPixels(cells, rows, columns, { mode, opacity }),
    [cells, rows, columns, mode, opacity],
  );
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
      data-mode={mode}
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
        <Typography variant="body2">{percent(explanation.lowest)}</Typography>
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
        <Typography variant="body2">{percent(explanation.highest)}</Typography>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        Where model {explanation.model} sees melanoma: each region&apos;s probability as if it were the whole
        image, from the least (clear) through blue and green to the most suspicious (yellow) region of this
        image; as an outline, the edges where it reaches half (green) and four fifths (yellow) of the way.
      </Typography>
    </Stack>
  );
}

/** How the map is drawn: its opacity ([ and ]) and filled or as an outline (R). */
export function HeatmapControls({
  style,
  onOpacityStep,
  onToggleOutline,
}: {
  style: HeatmapStyle;
  onOpacityStep: (step: number) => void;
  onToggleOutline: () => void;
}): JSX.Element {
  // One group, so that in a narrow column the four wrap together rather than split mid-control.
  return (
    <Stack direction="row" role="group" aria-label="Heatmap drawing" sx={{ alignItems: 'center', gap: 1 }}>
      <Button size="small" onClick={() => onOpacityStep(-OPACITY_STEP)} disabled={style.opacity <= 0.1}>
        Fainter ([)
      </Button>
      <Typography variant="body2" data-testid="heatmap-opacity" aria-label="Heatmap opacity">
        {Math.round(style.opacity * 100)} %
      </Typography>
      <Button size="small" onClick={() => onOpacityStep(OPACITY_STEP)} disabled={style.opacity >= 1}>
        Stronger (])
      </Button>
      <ToggleButton
        size="small"
        value="outline"
        selected={style.mode === 'outline'}
        onChange={onToggleOutline}
        sx={{ py: 0.25 }}
      >
        Outline (R)
      </ToggleButton>
    </Stack>
  );
}
