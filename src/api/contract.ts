/**
 * The contract between the renderer and the main process: every call, its request and response
 * schemas. Main validates requests, the preload exposes exactly these calls, the renderer and the
 * tests type themselves against it. No logic lives here.
 */
import { z } from 'zod';

export const LibraryInfoSchema = z.object({
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  patients: z.number().int().nonnegative(),
  studies: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  labeledImages: z.number().int().nonnegative(),
});
export type LibraryInfo = z.infer<typeof LibraryInfoSchema>;

/** Each call: its IPC channel, the schema its argument must pass, and the schema of its answer. */
export const apiCalls = {
  libraryInfo: {
    channel: 'library:info',
    request: z.void(),
    response: LibraryInfoSchema,
  },
} as const;

export type ApiCallName = keyof typeof apiCalls;
export type ApiRequest<K extends ApiCallName> = z.input<(typeof apiCalls)[K]['request']>;
export type ApiResponse<K extends ApiCallName> = z.output<(typeof apiCalls)[K]['response']>;

/** What the preload puts on `window.api`: one async function per call. */
export type TriageApi = {
  [K in ApiCallName]: (request: ApiRequest<K>) => Promise<ApiResponse<K>>;
};
