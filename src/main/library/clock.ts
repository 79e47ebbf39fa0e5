/**
 * Where a library's timestamps come from: the machine's clock, or a test's. One per library, so every
 * row an action writes (the label, its audit entry, the run it belongs to) carries the same time source.
 */
export type Clock = () => Date;

export const systemTime: Clock = () => new Date();

/** Timestamps are stored as ISO-8601 UTC text so they sort and read the same everywhere. */
export function stamp(clock: Clock): string {
  return clock().toISOString();
}
