/**
 * Who may call the API: only the app's own page, in the window's top frame. Plain Node, so the rule is
 * tested without Electron; ipc.ts applies it to every call.
 */
export interface CallerFrame {
  url: string;
  parent: unknown;
}

/** Why a caller is refused, or null for the app's own top-level page. */
export function refusalOf(frame: CallerFrame | null, isOwnPage: (url: string) => boolean): string | null {
  // senderFrame is null once the frame has navigated away or been destroyed.
  if (!frame) return 'the calling frame is gone';
  if (frame.parent !== null) return 'the caller is a subframe';
  if (!isOwnPage(frame.url)) return "the caller is not the app's own page";
  return null;
}
