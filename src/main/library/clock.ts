/** Timestamps are stored as ISO-8601 UTC text so they sort and read the same everywhere. */
export function now(): string {
  return new Date().toISOString();
}
