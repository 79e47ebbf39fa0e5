import type { Progress } from '../services';

/**
 * A long job's progress on stderr. An import: a redrawn bar on a terminal, and on a pipe or log file a
 * plain line every few seconds, so logs stay readable. Embedding: a line every 100 images. Deep
 * retraining's steps: a line every tenth of each. Training: a line per epoch.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: Progress) => void {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  let finished = false;
  let lastStep = { phase: '', step: -1 };
  return (p) => {
    const total = p.total ?? 0;
    if (p.phase === 'scanning') {
      stream.write(tty ? '\rscanning folders…' : 'scanning folders\n');
    } else if (p.phase === 'importing') {
      // The import's last report is the whole count; it is said once, as 'done'.
      const done = total > 0 && p.done >= total;
      if (finished) return;
      finished = done;
      const percent = Math.floor((100 * p.done) / Math.max(total, 1));
      const remaining = p.rate > 0 ? Math.ceil((total - p.done) / p.rate) : 0;
      const counts = `${p.done}/${total} files, ${p.rate.toFixed(0)}/s, ${p.failed ?? 0} failed`;
      if (tty) {
        const width = 30;
        const filled = Math.round((width * p.done) / Math.max(total, 1));
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        const eta = done ? 'done' : `${remaining}s left`;
        stream.write(`\r${bar} ${String(percent).padStart(3)}% ${counts}, ${eta}\u001b[K${done ? '\n' : ''}`);
      } else if (done || Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        stream.write(`${done ? 'done' : 'importing'}: ${percent}% ${counts}\n`);
      }
    } else if (p.phase === 'ranking') {
      if (p.done % 100 === 0 && total > 0) {
        stream.write(`embedding: ${p.done}/${total} (${p.rate.toFixed(1)} images/s)\n`);
      }
    } else if (p.phase === 'training' && p.loss) {
      const auc =
        p.loss.validationAuc === undefined ? '' : `, validation AUC ${p.loss.validationAuc.toFixed(4)}`;
      stream.write(
        `epoch ${p.done}: training loss ${p.loss.training.toFixed(4)}, validation loss ${p.loss.validation?.toFixed(4)}${auc}\n`,
      );
    } else if (p.phase === 'activations' || p.phase === 'training') {
      const step = total > 0 ? Math.floor((10 * p.done) / total) : 0;
      if (p.phase === lastStep.phase && step === lastStep.step) return;
      lastStep = { phase: p.phase, step };
      stream.write(`${p.phase}: ${p.done} of ${total}\n`);
    }
  };
}
