import fs from 'node:fs';
import type { z } from 'zod';

/**
 * Reads a JSON file the product wrote or ships (model.json, a training set's index) through its schema:
 * a damaged, truncated or foreign file is refused with its path, what it should be and the first field
 * that is wrong, never half-used.
 */
export function readJsonFile<T extends z.ZodType>(file: string, schema: T, what: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not ${what}: ${issue?.path.join('.') || 'file'}: ${issue?.message}`);
  }
  return parsed.data;
}
