import fs from 'node:fs';
import { toExportCsv, type ExportRow } from '../library';
import type { ServiceContext } from './context';

/** The library as one CSV row per image: current label and latest probability. */
export class ExportService {
  constructor(private readonly context: ServiceContext) {}

  rows(): ExportRow[] {
    return this.context.library.exportRows();
  }

  csv(): string {
    return toExportCsv(this.rows());
  }

  /** Writes the CSV to `file` and records the export (a copy of patient data left the library). */
  writeCsv(file: string): { file: string; rows: number } {
    const { library, actor } = this.context;
    const rows = this.rows();
    fs.writeFileSync(file, toExportCsv(rows));
    library.audit.record(actor, 'export', undefined, { rows: rows.length });
    return { file, rows: rows.length };
  }
}
