import { describe, expect, it } from 'vitest';
import { apiChannels } from '../../src/api/channels';
import { apiCalls, type LibraryInfo } from '../../src/api/contract';
import { createChannelHandlers, type ApiHandlers } from '../../src/main/api-handlers';

const info: LibraryInfo = {
  dataDir: '/data',
  databasePath: '/data/library.db',
  schemaVersion: 1,
  patients: 0,
  studies: 0,
  images: 0,
  labeledImages: 0,
};

/** The channel wrapper around one handler; every other call fails if it is reached. */
function handle(handlers: Pick<ApiHandlers, 'libraryInfo'>, request: unknown): Promise<unknown> {
  const unreachable = (): never => {
    throw new Error('only library:info is called here');
  };
  const all = Object.fromEntries(
    Object.keys(apiCalls).map((name) => [name, unreachable]),
  ) as unknown as ApiHandlers;
  const libraryInfo = createChannelHandlers({ ...all, ...handlers }).get('library:info');
  if (!libraryInfo) throw new Error('library:info is not registered');
  return libraryInfo(request);
}

describe('createChannelHandlers', () => {
  it('answers with what the handler returns', async () => {
    await expect(handle({ libraryInfo: () => info }, undefined)).resolves.toEqual(info);
  });

  it('refuses a request its schema rejects, before the handler runs', async () => {
    let called = false;
    const handlers = {
      libraryInfo: () => {
        called = true;
        return info;
      },
    };
    await expect(handle(handlers, { dataDir: '/elsewhere' })).rejects.toThrow(/libraryInfo: invalid request/);
    expect(called).toBe(false);
  });

  it('refuses to pass on a response the contract does not allow', async () => {
    const broken = { ...info, images: -1 };
    await expect(handle({ libraryInfo: () => broken }, undefined)).rejects.toThrow(/invalid response/);
  });

  it('strips fields the contract does not promise', async () => {
    const leaky = { ...info, secret: 'not for the renderer' };
    await expect(handle({ libraryInfo: () => leaky }, undefined)).resolves.toEqual(info);
  });

  it('has a handler for exactly the contract channels, and none for any other', () => {
    const all = Object.fromEntries(
      Object.keys(apiCalls).map((name) => [name, () => undefined]),
    ) as unknown as ApiHandlers;
    const channels = createChannelHandlers(all);
    expect([...channels.keys()].sort()).toEqual(Object.values(apiChannels).sort());
    expect(channels.get('library:drop')).toBeUndefined();
  });

  it('refuses an oversized payload, naming the field, before the handler runs', async () => {
    let called = false;
    const all = Object.fromEntries(
      Object.keys(apiCalls).map((name) => [name, () => ((called = true), undefined)]),
    ) as unknown as ApiHandlers;
    const saveLabel = createChannelHandlers(all).get(apiChannels.saveLabel)!;
    const request = { imageId: 1, melanoma: true, note: 'x'.repeat(10_001) };
    await expect(saveLabel(request)).rejects.toThrow(/saveLabel: invalid request: [\s\S]*note/);
    expect(called).toBe(false);
  });

  it('starts a retraining only at a depth it knows, naming the field', async () => {
    const depths: string[] = [];
    const all = Object.fromEntries(
      Object.keys(apiCalls).map((name) => [name, () => undefined]),
    ) as unknown as ApiHandlers;
    const startRetrain = createChannelHandlers({
      ...all,
      startRetrain: ({ depth }) => (depths.push(depth), { jobId: 1 }),
    }).get(apiChannels.startRetrain)!;
    await expect(startRetrain({ depth: 'deep' })).resolves.toEqual({ jobId: 1 });
    await expect(startRetrain({ depth: 'whole' })).rejects.toThrow(
      /startRetrain: invalid request: [\s\S]*depth/,
    );
    await expect(startRetrain(undefined)).rejects.toThrow(/startRetrain: invalid request/);
    expect(depths).toEqual(['deep']);
  });
});
