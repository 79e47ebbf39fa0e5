/**
 * The queue's cards, in plain elements styled by one set of global rules: while the queue scrolls a row
 * of cards mounts every few frames, and while its scrollbar is dragged a whole screen of them every
 * frame; MUI's Card, Chip and Typography cost several components and style computations each.
 */
import { GlobalStyles, type Theme } from '@mui/material';
import { memo, type JSX, type ReactNode } from 'react';
import type { QueueEntry } from '../../api/contract';
import { percent } from '../percent';
import { TEXT_14 } from '../readingSize';

/** One image of the queue: its thumbnail, rank, owner, probability, flag and current label. */
export const QueueCard = memo(function QueueCard({
  entry,
  index,
  total,
  focusable,
  onOpen,
}: {
  entry: QueueEntry;
  /** Its place in the queue, from 0. */
  index: number;
  total: number;
  /** The queue's one Tab stop: the card the keyboard is on. */
  focusable: boolean;
  onOpen: (index: number, imageId: number) => void;
}): JSX.Element {
  const label =
    entry.melanoma === null
      ? { text: 'Unlabeled', tone: 'default' }
      : entry.melanoma
        ? { text: 'Melanoma', tone: 'error' }
        : { text: `Not melanoma${entry.diagnosis ? ` (${entry.diagnosis})` : ''}`, tone: 'success' };
  return (
    <li
      className="queue-card"
      data-testid="queue-entry"
      data-image-id={entry.imageId}
      // useGridFocus finds the card the keyboard moves to by it.
      data-queue-index={index}
      // Only some cards are in the DOM: these tell assistive technology where this one stands.
      aria-posinset={index + 1}
      aria-setsize={total}
    >
      <button type="button" tabIndex={focusable ? 0 : -1} onClick={() => onOpen(index, entry.imageId)}>
        {/* The card's name is its text, with words the eye does not need (in .queue-card-hidden): an
            aria-label would hide the visible text from speech input, which must be able to say it. */}
        <img
          src={window.api?.imageUrl('thumb', entry.imageId)}
          alt=""
          decoding="async"
          // Element Timing: the queue benchmark reads when the first thumbnails were painted.
          elementtiming="queue-thumbnail"
        />
        <span className="queue-card-title" title={entry.fileName}>
          <Hidden>Open {entry.fileName}, rank </Hidden>
          {index + 1}.<Hidden> of {total},</Hidden> <span aria-hidden>{entry.fileName}</span>
        </span>
        <span className="queue-card-owner">
          <Hidden>patient </Hidden>
          {entry.patient} · {entry.study}
        </span>
        <span className="queue-card-facts">
          <Hidden>, melanoma probability </Hidden>
          <span className="queue-card-probability" data-testid="probability">
            {percent(entry.probability)}
          </span>
          {entry.suspicious && (
            <>
              <Hidden>, </Hidden>
              <span className="queue-card-chip queue-card-suspicious">Suspicious</span>
            </>
          )}
          <Hidden>, </Hidden>
          <span className={`queue-card-chip queue-card-${label.tone}`}>{label.text}</span>
        </span>
      </button>
    </li>
  );
});

/** Words for a screen reader, not shown: the card's face says them by its layout. */
function Hidden({ children }: { children: ReactNode }): JSX.Element {
  return <span className="queue-card-hidden">{children}</span>;
}

/** Where an entry will be once its page has arrived: its place in the queue, in an empty card. */
export function QueueCardPlaceholder({ index, total }: { index: number; total: number }): JSX.Element {
  return (
    <li
      className="queue-card queue-card-placeholder"
      data-testid="queue-placeholder"
      aria-posinset={index + 1}
      aria-setsize={total}
      aria-busy
    >
      <span className="queue-card-title">{index + 1}.</span>
    </li>
  );
}

export interface GridSizes {
  cardHeight: number;
  gap: number;
  thumbnailHeight: number;
}

/**
 * The grid's and the cards' looks, after MUI's outlined Card and small Chips, in the app's theme. What
 * changes as the grid scrolls (its height, the space above the first card) goes in inline styles: as
 * generated classes, every scroll position would add a rule to the page's style sheet.
 */
export function QueueGridStyles(sizes: GridSizes): JSX.Element {
  return <GlobalStyles styles={(theme: Theme) => gridStyles(theme, sizes)} />;
}

function gridStyles(theme: Theme, { cardHeight, gap, thumbnailHeight }: GridSizes): Record<string, object> {
  const { palette, typography, shape } = theme;
  const outlined = (color: string): object => ({ color, border: `1px solid ${color}` });
  const ellipsis = { display: 'block', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' };
  return {
    '.queue-grid': {
      display: 'grid',
      gridAutoRows: cardHeight,
      gap,
      alignContent: 'start',
      boxSizing: 'border-box',
      listStyle: 'none',
      margin: 0,
      padding: 0,
    },
    '.queue-card': {
      boxSizing: 'border-box',
      overflow: 'hidden',
      border: `1px solid ${palette.divider}`,
      borderRadius: shape.borderRadius,
      background: palette.background.paper,
      color: palette.text.primary,
    },
    '.queue-card > button': {
      display: 'flex',
      flexDirection: 'column',
      width: '100%',
      height: '100%',
      padding: 0,
      border: 0,
      background: 'none',
      color: 'inherit',
      font: 'inherit',
      textAlign: 'left',
      cursor: 'pointer',
      position: 'relative',
    },
    // Visually hidden, still read: the usual clip, as MUI's visuallyHidden.
    '.queue-card-hidden': {
      position: 'absolute',
      width: 1,
      height: 1,
      margin: -1,
      padding: 0,
      overflow: 'hidden',
      clip: 'rect(0 0 0 0)',
      whiteSpace: 'nowrap',
      border: 0,
    },
    '.queue-card > button:hover': { background: palette.action.hover },
    '.queue-card > button:focus-visible': {
      outline: `2px solid ${palette.primary.main}`,
      outlineOffset: -2,
      background: palette.action.focus,
    },
    '.queue-card img': {
      display: 'block',
      flex: 'none',
      width: '100%',
      height: thumbnailHeight,
      objectFit: 'cover',
    },
    '.queue-card-title': { ...typography.subtitle2, ...ellipsis, padding: '12px 12px 0' },
    '.queue-card-owner': {
      ...typography.body2,
      ...ellipsis,
      color: palette.text.secondary,
      padding: '0 12px',
    },
    '.queue-card-facts': {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: 4,
      padding: '8px 12px 12px',
    },
    '.queue-card-probability': { ...typography.h6, marginRight: 4 },
    '.queue-card-chip': {
      boxSizing: 'border-box',
      height: 24,
      padding: '0 8px',
      borderRadius: 12,
      fontFamily: typography.fontFamily,
      // Read at arm's length from a clinic's screen (MUI's small chips are 13 px).
      ...TEXT_14,
      lineHeight: '22px',
      whiteSpace: 'nowrap',
    },
    '.queue-card-suspicious': {
      background: palette.warning.main,
      // MUI's white on its light theme's orange is 3.1:1; black is 6.4:1 on it, and more on the dark
      // theme's lighter orange (AA asks 4.5:1).
      color: palette.common.black,
      border: `1px solid ${palette.warning.main}`,
    },
    '.queue-card-default': outlined(palette.text.secondary),
    '.queue-card-error': outlined(palette.error.main),
    '.queue-card-success': outlined(palette.success.main),
    '.queue-card-placeholder': { background: palette.action.hover, color: palette.text.secondary },
    '.queue-card-placeholder .queue-card-title': { paddingTop: thumbnailHeight + 12 },
  };
}
