import type { ImportProgress } from '../importer/report';

/**
 * Import progress on stderr: a redrawn bar on a terminal, and on a pipe or log file a plain line every
 * few seconds, so logs stay readable.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: ImportProgress) => void {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  return (p) => {
    const total = Math.max(p.found, 1);
    const percent = Math.floor((100 * p.processed) / total);
    const remaining = p.rate > 0 ? Math.ceil((p.found - p.processed) / p.rate) : 0;
    const counts = `${p.processed}/${p.found} files, ${p.rate.toFixed(0)}/s, ${p.failed} failed`;
    if (p.phase === 'scanning') {
      stream.write(tty ? '\rscanning folders…' : 'scanning folders\n');
    } else if (tty) {
      const width = 30;
      const filled = Math.round((width * p.processed) / total);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const eta = p.phase === 'done' ? 'done' : `${remaining}s left`;
      stream.write(
        `\r${bar} ${String(percent).padStart(3)}% ${counts}, ${eta}\u001b[K${p.phase === 'done' ? '\n' : ''}`,
      );
    } else if (p.phase === 'done' || Date.now() - lastLine >= 2000) {
      lastLine = Date.now();
      stream.write(`${p.phase === 'done' ? 'done' : 'importing'}: ${percent}% ${counts}\n`);
    }
  };
}
