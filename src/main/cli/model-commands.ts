import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DATABASE_FILE, openLibrary, type Library } from '../library';
import type { QueueEntry } from '../library/predictions';
import { modelDir, readModelFiles } from '../model/registry';
import { evaluateFolder } from '../triage/evaluate-folder';
import { retrainHead, type RetrainPhase } from '../triage/retrain';
import { retrainDeep } from '../triage/deep-retrain';
import { inSteps } from '../model/deep/top-job';
import type { CurvePoint } from '../model/head';
import type { RankReport } from '../triage/ranking';
import { rollbackTo } from '../triage/rollback';
import { resourcePaths } from '../resources';
import { actorOption, libraryCommand, withCancellation } from './command';
import { defaultDataDir } from './data-dir';
import { currentModel, rankCurrent, withModelProcess, type ModelLocation } from '../triage/model-session';
import { EXIT, UsageError, type Output } from './output';

/** Embeds what is missing and scores every image with the active model. */
export function rankWithModel(library: Library, signal?: AbortSignal): Promise<RankReport> {
  return rankCurrent(library, {
    signal,
    onProgress: (p) => {
      if (p.phase === 'embedding' && p.embedded % 100 === 0 && p.total > 0) {
        process.stderr.write(`embedding: ${p.embedded}/${p.total} (${p.rate.toFixed(1)} images/s)\n`);
      }
    },
  });
}

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
    (library, options) =>
      withCancellation(async (signal) => {
        const studyId =
          options.study === undefined ? undefined : findStudy(library, options.patient, options.study);
        const report = await rankWithModel(library, signal);
        const model = library.models.active();
        const queue = model
          ? library.predictions.queue({
              modelId: model.id,
              threshold: model.threshold,
              order: 'probability',
              limit: options.top,
              patient: options.patient,
              studyId,
              labeled: options.unlabeled ? false : undefined,
              suspicious: options.suspicious ? true : undefined,
            })
          : [];
        out.result({ ...report, threshold: model?.threshold, queue }, () =>
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
    (library, options) => {
      const model = library.models.active();
      if (!model) throw new UsageError('No model has ranked this library yet: run `triage rank` first.');
      const queue = library.predictions.queue({
        modelId: model.id,
        threshold: model.threshold,
        order: 'uncertainty',
        labeled: false,
        limit: options.top,
        patient: options.patient,
      });
      out.result({ model: model.version, threshold: model.threshold, queue }, () => queueTable(queue));
      return EXIT.ok;
    },
  );

  withLibrary<object>(
    program.command('backend').description('which TensorFlow.js backend the model process uses, and why'),
    async (library) => {
      const report = await withModelProcess(library, (modelProcess) => modelProcess.backend());
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
    (library, options) =>
      withCancellation((signal) =>
        withModelProcess(library, async (modelProcess, resources) => {
          const onEpoch = (p: CurvePoint & { validationAuc?: number }): void => {
            const auc = p.validationAuc === undefined ? '' : `, validation AUC ${p.validationAuc.toFixed(4)}`;
            process.stderr.write(
              `epoch ${p.epoch}: training loss ${p.trainLoss.toFixed(4)}, validation loss ${p.validationLoss?.toFixed(4)}${auc}\n`,
            );
          };
          const onPhase = (phase: RetrainPhase): void => void process.stderr.write(`phase: ${phase}\n`);
          const report = options.deep
            ? await retrainDeep(library, modelProcess, resources, {
                actor: options.by,
                signal,
                onEpoch,
                onPhase,
                onProgress: inSteps(10, ({ phase, done, total }) =>
                  process.stderr.write(`${phase}: ${done} of ${total}\n`),
                ),
              })
            : await retrainHead(library, modelProcess, resources, {
                actor: options.by,
                signal,
                onEpoch,
                onPhase,
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
      ),
  );

  program
    .command('eval')
    .description('score a labeled folder (images + labels.csv with file and melanoma) without importing it')
    .argument('<folder>')
    .option('--data-dir <dir>', 'the library whose active model scores it', defaultDataDir())
    .option('--json', 'machine-readable output on stdout', false)
    .action(async (folder: string, options: { dataDir: string; json: boolean }) => {
      out.json = options.json;
      const resources = resourcePaths();
      // An absent library is not created: the shipped default model scores then.
      const hasLibrary = fs.existsSync(path.join(options.dataDir, DATABASE_FILE));
      const library = hasLibrary ? openLibrary(options.dataDir) : undefined;
      try {
        // The active model as it is: eval never registers the default into a library that has none.
        const active = library?.models.active();
        const model: ModelLocation =
          library && active
            ? { artifact: readModelFiles(library.dataDir, active), dir: modelDir(library.dataDir, active) }
            : currentModel(undefined, resources);
        const result = await withCancellation((signal) =>
          withModelProcess(
            library,
            (modelProcess) => evaluateFolder(folder, modelProcess, model.artifact, signal),
            model,
          ),
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
        library?.close();
      }
    });

  const models = program.command('models').description('model versions: list, show, rollback');
  withLibrary<object>(
    models.command('list').description('every model version of this library'),
    (library) => {
      const list = library.models.list();
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
    (library, _options, version) => {
      const record = library.models.byVersion(version as string);
      if (!record) throw new UsageError(`No model version ${String(version)} in this library.`);
      const artifact = readModelFiles(library.dataDir, record);
      const shown = {
        ...record,
        provenance: artifact.provenance,
        targetSensitivity: artifact.targetSensitivity,
      };
      out.result(shown, () => JSON.stringify(shown, null, 2));
      return EXIT.ok;
    },
  );
  withLibrary<object>(
    models
      .command('rollback')
      .description('make an earlier version active again and re-score')
      .argument('<version>'),
    async (library, _options, version) => {
      if (!library.models.byVersion(version as string)) {
        throw new UsageError(`No model version ${String(version)} in this library.`);
      }
      const { active, rescored } = await rollbackTo(library, version as string, resourcePaths(), {
        actor: 'cli',
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
