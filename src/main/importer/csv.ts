import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvTable {
  /** Header names folded to lower_snake_case, so "Body Site" and "body_site" are one column. */
  columns: string[];
  /** Each row keyed by folded column name, with its 1-based line number in the file. */
  rows: Array<{ line: number; values: Record<string, string> }>;
}

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

export function foldColumn(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

export function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CsvError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new CsvError(`${file} is not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header) throw new CsvError(`${file} is empty: expected a header row`);
  const columns = header.record.map(foldColumn);
  return {
    columns,
    rows: body.map(({ record, info }) => ({
      line: info.lines,
      values: Object.fromEntries(columns.map((column, i) => [column, record[i] ?? ''])),
    })),
  };
}

/** The first of `aliases` that the table has, so exports from different systems read the same. */
export function pickColumn(table: CsvTable, aliases: readonly string[]): string | undefined {
  return aliases.find((alias) => table.columns.includes(alias));
}

/**
 * A melanoma yes/no cell as pathology exports and labeled folders write it: undefined when empty, null
 * when it is neither yes nor no.
 */
export function readYesNo(raw: string): boolean | undefined | null {
  const word = raw.trim().toLowerCase();
  if (word === '') return undefined;
  if (['1', 'yes', 'y', 'true', 'mel', 'melanoma'].includes(word)) return true;
  if (['0', 'no', 'n', 'false'].includes(word)) return false;
  return null;
}
