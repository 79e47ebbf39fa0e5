import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/main/library';
import { importFolders } from '../src/main/importer/import-folders';
import { importGroundTruth } from '../src/main/importer/ground-truth';

/**
 * Imports all of HAM10000 (10,015 JPEGs) into a fresh library in this process, so the memory measured is
 * that of the process doing the work, then records its labels.csv as ground truth. Exits 1 when a target
 * is missed, 2 when it cannot run. `npm run bench:import`.
 */

const HAM = path.resolve(__dirname, '..', '..', 'shared', 'data', 'ham10000');
const TARGETS = { imagesPerSecond: 150, peakRssMb: 400, rssGrowthMb: 50 };
const SAMPLE_MS = 200;
/** MB as ps and top count them: 2^20 bytes. */
const MB = 2 ** 20;
const CHECKPOINTS = [0.1, 0.25, 0.5, 0.75, 1] as const;

interface Sample {
  processed: number;
  rss: number;
}

async function main(): Promise<number> {
  const imagesDir = path.join(HAM, 'images');
  const labelsCsv = path.join(HAM, 'labels.csv');
  if (!fs.existsSync(imagesDir) || !fs.existsSync(labelsCsv)) {
    console.error(
      `bench:import needs HAM10000 in ${HAM} (images/ and labels.csv): the project's ../shared/data.`,
    );
    return 2;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-bench-'));
  const library = openLibrary(dataDir);
  try {
    console.log(`node ${process.version}, ${os.cpus().length} CPUs, library in ${dataDir}`);
    let processed = 0;
    const samples: Sample[] = [];
    // rss() alone, not memoryUsage(): the full call walks the heap, which would cost the import time.
    const sample = (): void => void samples.push({ processed, rss: process.memoryUsage.rss() });
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    const started = performance.now();
    const report = await importFolders(library, {
      folders: [imagesDir],
      patient: 'BENCH',
      study: 'ham10000',
      actor: 'bench',
      onProgress: (progress) => void (processed = progress.processed),
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    processed = report.found - report.notProcessed;
    sample();

    const rate = processed / seconds;
    const rssAt = (fraction: number): number =>
      (samples.find((s) => s.processed >= fraction * report.found) ?? samples[samples.length - 1])?.rss ?? 0;
    const sampledPeak = Math.max(...samples.map((s) => s.rss));
    // maxRSS is in KiB and covers the whole life of the process, between samples included.
    const peak = Math.max(sampledPeak, process.resourceUsage().maxRSS * 1024);
    const growth = rssAt(1) - rssAt(0.25);

    console.log(
      `images: ${report.found} found, ${report.imported} imported, ${report.duplicates} duplicates, ` +
        `${report.failed} failed`,
    );
    console.log(`seconds: ${seconds.toFixed(1)}`);
    console.log(`images/s: ${rate.toFixed(0)}`);
    console.log(
      `peak RSS: ${mb(peak)} MB (sampled every ${SAMPLE_MS} ms: ${mb(sampledPeak)} MB; ` +
        `resourceUsage().maxRSS: ${mb(process.resourceUsage().maxRSS * 1024)} MB)`,
    );
    console.log(
      `RSS by files processed: ${CHECKPOINTS.map((f) => `${f * 100}% ${mb(rssAt(f))} MB`).join(', ')}`,
    );
    console.log(`RSS growth 25% → 100%: ${growth >= 0 ? '+' : ''}${mb(growth)} MB`);

    const labelsStarted = performance.now();
    const labels = importGroundTruth(library, labelsCsv, 'bench');
    const labelSeconds = (performance.now() - labelsStarted) / 1000;
    console.log(
      `labels.csv: ${labels.rows} rows in ${labelSeconds.toFixed(2)} s (${(labels.rows / labelSeconds).toFixed(0)} rows/s), ` +
        `${labels.added} added, ${labels.unchanged} unchanged, ${labels.failed} failed`,
    );
    for (const problem of labels.problems.slice(0, 5))
      console.log(`  line ${problem.line}: ${problem.reason}`);

    const verdicts: Array<[string, boolean]> = [
      [
        `every image imported (${report.imported + report.duplicates} of ${report.found})`,
        report.failed === 0,
      ],
      [`images/s ${rate.toFixed(0)} ≥ ${TARGETS.imagesPerSecond}`, rate >= TARGETS.imagesPerSecond],
      [`peak RSS ${mb(peak)} MB ≤ ${TARGETS.peakRssMb} MB`, peak <= TARGETS.peakRssMb * MB],
      [
        `RSS growth 25% → 100% ${mb(growth)} MB < ${TARGETS.rssGrowthMb} MB`,
        growth < TARGETS.rssGrowthMb * MB,
      ],
      // A row naming a file that was imported as a byte-identical duplicate has nothing new to record.
      [
        `labels: ${labels.added} added + ${labels.unchanged} unchanged of ${labels.rows}, ${labels.failed} failed`,
        labels.failed === 0 && labels.added + labels.unchanged === labels.rows,
      ],
    ];
    for (const [what, met] of verdicts) console.log(`${met ? 'PASS' : 'MISS'}  ${what}`);
    return verdicts.every(([, met]) => met) ? 0 : 1;
  } finally {
    library.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(0);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
