import type { GroundTruthReport } from '../importer/ground-truth';

/** At most this many lines per kind, so that a 40,000-row export with a bad column stays readable. */
const SHOWN = 50;

function listed<T>(items: T[], line: (item: T) => string): string[] {
  return [
    ...items.slice(0, SHOWN).map(line),
    ...(items.length > SHOWN ? [`  … and ${items.length - SHOWN} more`] : []),
  ];
}

/** `triage labels import` in words: the counts, then each failed, skipped and warned row. */
export function groundTruthSummary(report: GroundTruthReport): string {
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  return [
    `${report.added} label(s) recorded, ${report.unchanged} unchanged, ${report.failed} row(s) failed${skipped} ` +
      `(${report.rows} rows in ${report.file})`,
    ...listed(report.problems, (p) => `  line ${p.line}: ${p.reason}`),
    ...(report.skipped > 0 ? ['Skipped (record them with --overwrite):'] : []),
    ...listed(
      report.skips,
      (s) =>
        `  line ${s.line}: image ${s.imageId} is "${s.current}"; "${s.proposed}" ${s.reason.replace(/^it /, '')}`,
    ),
    ...(report.warnings.length > 0 ? ['Warnings:'] : []),
    ...listed(report.warnings, (w) => `  line ${w.line}: ${w.reason}`),
  ].join('\n');
}
