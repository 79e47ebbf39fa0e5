import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DATABASE_FILE, openLibrary, type Library } from '../library';
import type { QueueEntry } from '../library/predictions';
import { ModelProcessPool } from '../model/process/pool';
import type { RankReport } from '../triage/ranking';
import { resourcePaths } from '../resources';
import { evaluateWith } from '../services/models';
import { actorOption, libraryCommand, withCancellation } from './command';
import { defaultDataDir } from './data-dir';
import { progressReporter } from './progress';
import { EXIT, UsageError, type Output } from './output';

export function rankingSummary(report: RankReport): string {
  return [
    `Ranked ${report.scored} image(s) with model ${report.model} on ${report.backend.name} ` +
      `(${report.embedded} newly embedded, ${report.failed.length} failed)`,
    ...report.failed.map((f) => `  failed     image ${f.imageId} (${f.path}): ${f.reason}`),
  ].join('\n');
}

function queueTable(entries: QueueEntry[]): string {
  if (entries.length === 0) return 'No ranked images.';
  return entries
    .map((e, i) => {
      const label =
        e.melanoma === null
          ? 'unlabeled'
          : e.melanoma
            ? `melanoma (${e.diagnosis})`
            : `not melanoma (${e.diagnosis ?? '?'})`;
      return [
        String(i + 1).padStart(4),
        `#${e.imageId}`,
        e.probability.toFixed(3),
        e.suspicious ? 'SUSPICIOUS' : '          ',
        `${e.patient}/${e.study}/${e.fileName}`,
        label,
      ].join('  ');
    })
    .join('\n');
}

export function registerModelCommands(program: Command, out: Output): void {
  const withLibrary = libraryCommand(out);
  const top = (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--top must be a whole number ≥ 1, not ${value}`);
    return n;
  };

  withLibrary<{ top: number; patient?: string; study?: string; unlabeled: boolean; suspicious: boolean }>(
    program
      .command('rank')
      .description('embed images not yet embedded, score every image, and list the most suspicious first')
      .option('--top <n>', 'how many to list', top, 20)
      .option('--patient <id>', 'only this patient’s images')
      .option('--study <name>', 'only this study of the patient (with --patient)')
      .option('--unlabeled', 'only images without ground truth', false)
      .option('--suspicious', 'only images at or above the operating threshold', false),
    (services, options) =>
      withCancellation(async (signal) => {
        const studyId =
          options.study === undefined
            ? undefined
            : findStudy(services.context.library, options.patient, options.study);
        const report = await services.ranking.rank({ signal, onProgress: progressReporter() });
        const { threshold, entries: queue } = services.ranking.queue({
          order: 'probability',
          limit: options.top,
          patient: options.patient,
          studyId,
          labeled: options.unlabeled ? false : undefined,
          suspicious: options.suspicious ? true : undefined,
        });
        out.result({ ...report, threshold, queue }, () =>
          [rankingSummary(report), queueTable(queue)].join('\n'),
        );
        return report.failed.length > 0 ? EXIT.partial : EXIT.ok;
      }),
  );

  withLibrary<{ top: number; patient?: string }>(
    program
      .command('next')
      .description('unlabeled images the model is least sure about: labeling these teaches it most')
      .option('--top <n>', 'how many to list', top, 20)
      .option('--patient <id>', 'only this patient’s images'),
    (services, options) => {
      const {
        model,
        threshold,
        entries: queue,
      } = services.ranking.queue({
        order: 'uncertainty',
        labeled: false,
        limit: options.top,
        patient: options.patient,
      });
      out.result({ model, threshold, queue }, () => queueTable(queue));
      return EXIT.ok;
    },
  );

  withLibrary<object>(
    program.command('backend').description('which TensorFlow.js backend the model process uses, and why'),
    async (services) => {
      const report = await services.models.backend();
      out.result(
        report,
        () => `${report.name}\n  why: ${report.reason}\n  backbone: ${report.backboneVersion}`,
      );
      return EXIT.ok;
    },
  );

  withLibrary<{ by: string; deep: boolean }>(
    program
      .command('retrain')
      .description('retrain on all current labels; the new model is kept only if it is not worse')
      .option(
        '--deep',
        "fine-tune the backbone's top with the head (tens of minutes on a CPU), not only a new head",
        false,
      )
      .addOption(actorOption()),
    (services, options) =>
      withCancellation(async (signal) => {
        const report = await services.retraining.retrain(options.deep ? 'deep' : 'head', {
          signal,
          onProgress: progressReporter(),
          onPhase: (phase) => void process.stderr.write(`phase: ${phase}\n`),
        });
        const s = report.local.sensitivity;
        out.result(report, () =>
          [
            `${report.promoted ? 'Promoted' : 'Rejected'} ${report.candidate} (parent ${report.parent}): ${report.decision}`,
            `Operating threshold ${report.threshold.toFixed(4)}; on this clinic's ${s.positives} validation melanoma(s): ` +
              (s.sensitivity === null
                ? 'no sensitivity estimate yet'
                : `sensitivity ${(100 * s.sensitivity).toFixed(0)} % (95 % CI ${(100 * s.lower).toFixed(0)}–${(100 * s.upper).toFixed(0)} %)`),
            `Training: ${report.counts.localTrain} of this clinic's labels (weighted) with ${report.counts.shippedTrain} shipped images`,
          ].join('\n'),
        );
        return EXIT.ok;
      }),
  );

  program
    .command('eval')
    .description('score a labeled folder (images + labels.csv with file and melanoma) without importing it')
    .argument('<folder>')
    .option('--data-dir <dir>', 'the library whose active model scores it', defaultDataDir())
    .option('--json', 'machine-readable output on stdout', false)
    .action(async (folder: string, options: { dataDir: string; json: boolean }) => {
      out.json = options.json;
      // An absent library is not created: the shipped default model scores then.
      const hasLibrary = fs.existsSync(path.join(options.dataDir, DATABASE_FILE));
      // The active model as it is: eval never registers the default into a library that has none.
      const library = hasLibrary ? openLibrary(options.dataDir) : undefined;
      const models = new ModelProcessPool();
      try {
        const result = await withCancellation((signal) =>
          evaluateWith({ models, resources: resourcePaths() }, library, folder, signal),
        );
        out.result(result, () =>
          [
            `Model ${result.model} on ${result.n} images (${result.positives} melanomas) in ${folder}:`,
            `  ROC AUC ${result.auc?.toFixed(4)}, PR AUC ${result.prAuc?.toFixed(4)}`,
            `  at threshold ${result.threshold.toFixed(4)}: sensitivity ${pct(result.sensitivity)}, ` +
              `specificity ${pct(result.specificity)}, precision ${pct(result.precision)}, F1 ${result.f1?.toFixed(3)}, ` +
              `accuracy ${pct(result.accuracy)}`,
            `  confusion: TP ${result.confusion.tp}, FP ${result.confusion.fp}, TN ${result.confusion.tn}, FN ${result.confusion.fn}`,
            `  calibration: ECE ${result.ece?.toFixed(4)}`,
            ...result.failed.map((f) => `  failed     ${f.file}: ${f.reason}`),
          ].join('\n'),
        );
        out.exitCode = result.failed.length > 0 ? EXIT.partial : EXIT.ok;
      } finally {
        models.close();
        library?.close();
      }
    });

  const models = program.command('models').description('model versions: list, show, rollback');
  withLibrary<object>(
    models.command('list').description('every model version of this library'),
    (services) => {
      const list = services.context.library.models.list();
      out.result(list, () =>
        list.length === 0
          ? 'No models yet: the shipped default becomes the first at the first ranking.'
          : list
              .map((m) => {
                const auc = (m.metrics as { validation?: { rocAuc?: number } } | null)?.validation?.rocAuc;
                return `${m.status.padEnd(9)} ${m.version}  threshold ${m.threshold.toFixed(4)}  AUC ${auc?.toFixed(3) ?? '?'}  ${m.createdAt}`;
              })
              .join('\n'),
      );
      return EXIT.ok;
    },
  );
  withLibrary<object>(
    models.command('show').description('one version with its metrics and provenance').argument('<version>'),
    (services, _options, version) => {
      const shown = services.models.show(version as string);
      out.result(shown, () => JSON.stringify(shown, null, 2));
      return EXIT.ok;
    },
  );
  withLibrary<object>(
    models
      .command('rollback')
      .description('make an earlier version active again and re-score')
      .argument('<version>'),
    async (services, _options, version) => {
      const { active, rescored } = await services.models.rollback(version as string, {
        onProgress: progressReporter(),
      });
      out.result({ active, rescored }, () => `Active model: ${active} (${rescored} images re-scored)`);
      return EXIT.ok;
    },
  );
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${(100 * value).toFixed(1)} %`;
}

function findStudy(library: Library, patient: string | undefined, name: string): number {
  if (patient === undefined) throw new UsageError('--study needs --patient: study names are per patient.');
  const study = library.patients.listStudies(patient).find((s) => s.name === name);
  if (!study) throw new UsageError(`Patient ${patient} has no study named "${name}".`);
  return study.id;
}
