import type { ImportReport } from '../importer/report';

export function importSummary(report: ImportReport): string {
  const lines = [
    `${report.status === 'completed' ? 'Imported' : 'Cancelled:'} ${report.imported} new image(s) into ` +
      `patient ${report.patient}, study "${report.study}" (${report.found} files found, ` +
      `${report.alreadyImported} already imported, ${report.duplicates} duplicate(s), ` +
      `${report.failed} failed, ${report.rate.toFixed(0)} files/s)`,
  ];
  for (const file of report.files) {
    lines.push(
      file.status === 'failed'
        ? `  failed     ${file.path}: ${file.reason}`
        : `  duplicate  ${file.path}: same image as ${file.duplicateOf} (image ${file.imageId}` +
            `${file.otherPatient ? `, patient ${file.otherPatient}` : ''})`,
    );
  }
  for (const warning of report.warnings) lines.push(`  warning    ${warning}`);
  return lines.join('\n');
}
