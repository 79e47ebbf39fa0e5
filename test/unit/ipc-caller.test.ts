import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/main/ipc-caller';

const own = (url: string): boolean => url === 'file:///app/renderer/index.html';

describe('refusalOf', () => {
  it("lets the app's own top-level page call", () => {
    expect(refusalOf({ url: 'file:///app/renderer/index.html', parent: null }, own)).toBeNull();
  });

  it('refuses a destroyed frame, a subframe and any other page', () => {
    expect(refusalOf(null, own)).toBe('the calling frame is gone');
    expect(refusalOf({ url: 'file:///app/renderer/index.html', parent: {} }, own)).toBe(
      'the caller is a subframe',
    );
    expect(refusalOf({ url: 'https://example.com/', parent: null }, own)).toBe(
      "the caller is not the app's own page",
    );
  });
});
