/**
 * The README's list of keys is the window's key sheet, row for row: both come from, or are checked
 * against, src/renderer/keyboard/keymap.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYMAP } from '../../src/renderer/keyboard/keymap';

const README = join(__dirname, '../../README.md');
const START = '<!-- keys:start -->';
const END = '<!-- keys:end -->';

/** The rows of the README's key table as [screen, keys, action], backticks removed. */
function readmeKeyRows(text: string): string[][] {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no key list between ${START} and ${END}`);
  const rows = text
    .slice(start + START.length, end)
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  // The header and the line under it.
  return rows.slice(2);
}

describe("the README's key list", () => {
  it('lists every key of the key map, in its order, with the same words', () => {
    const expected = KEYMAP.flatMap((section) =>
      section.bindings.map((binding) => [section.screen, binding.keys, binding.action]),
    );
    expect(readmeKeyRows(readFileSync(README, 'utf8'))).toEqual(expected);
  });

  it('names each key once per screen', () => {
    for (const section of KEYMAP) {
      const keys = section.bindings.map((binding) => binding.keys);
      expect(new Set(keys).size, section.screen).toBe(keys.length);
    }
  });
});
