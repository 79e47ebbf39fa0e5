import fs from 'node:fs';
import { Command, Option } from 'commander';
import { actorOption, libraryCommand, withCancellation } from './command';
import { CONFIRMATIONS, type Confirmation } from '../../api/labels';
import { readDiagnosis, unknownDiagnosisMessage } from '../../api/diagnosis-words';
import type { Library } from '../library';
import { sha256 } from '../imaging/inspect';
import { progressReporter } from './progress';
import { importSummary } from './summaries';
import { groundTruthSummary } from './ground-truth-summary';
import { registerSettingsCommand } from './settings-command';
import { rankingSummary, registerModelCommands } from './model-commands';
import { EXIT, UsageError, type Output } from './output';

/** The `triage` command line: each command is a thin call into the library, importer and model services. */
export function buildProgram(out: Output, version: string): Command {
  const program = new Command('triage')
    .description('Melanoma Triage: import, rank, label and export skin photographs in a local library')
    .version(version)
    .showHelpAfterError();
  const withLibrary = libraryCommand(out);
  const byOption = actorOption();

  withLibrary<{
    patient: string;
    study?: string;
    date?: string;
    manifest?: string;
    by: string;
    rank: boolean;
  }>(
    program
      .command('import')
      .description('import folders of photographs (recursively) into a study of a patient, then rank them')
      .argument('<folder...>', 'folders of JPEG, PNG, TIFF or WebP images')
      .requiredOption('--patient <id>', "the patient's pseudonymous id")
      .option('--study <name>', 'the study (photography session); default: the first folder’s name')
      .option('--date <yyyy-mm-dd>', 'the date of the study; default: today')
      .option('--manifest <csv>', 'CSV with file, patient, study, body site, lesion id')
      .option('--no-rank', 'import only; rank later with `triage rank`')
      .addOption(byOption),
    (services, options, folders) =>
      withCancellation(async (signal) => {
        const { report, ranking } = await services.imports.run(
          {
            folders: folders as string[],
            patient: options.patient,
            study: options.study,
            studyDate: options.date,
            manifest: options.manifest,
            rank: options.rank,
          },
          { signal, onProgress: progressReporter() },
        );
        out.result({ ...report, ranking }, () =>
          [importSummary(report), ...(ranking ? [rankingSummary(ranking)] : [])].join('\n'),
        );
        const clean =
          report.failed === 0 && report.status === 'completed' && (ranking?.failed.length ?? 0) === 0;
        return clean ? EXIT.ok : EXIT.partial;
      }),
  );

  withLibrary<object>(
    program.command('patients').description('list patients with their counts'),
    (services) => {
      const patients = services.patients.list();
      out.result(patients, () =>
        patients.length === 0
          ? 'No patients yet.'
          : patients
              .map((p) => `${p.code}\t${p.studies} studies\t${p.images} images\t${p.labeled} labeled`)
              .join('\n'),
      );
      return EXIT.ok;
    },
  );

  withLibrary<{ patient?: string }>(
    program
      .command('studies')
      .description('list studies with their counts')
      .option('--patient <id>', 'only this patient’s studies'),
    (services, options) => {
      const studies = services.patients.studies(options.patient);
      out.result(studies, () =>
        studies.length === 0
          ? 'No studies yet.'
          : studies
              .map(
                (s) =>
                  `${s.patientCode}\t${s.name}\t${s.studyDate ?? ''}\t${s.images} images\t${s.labeled} labeled`,
              )
              .join('\n'),
      );
      return EXIT.ok;
    },
  );

  withLibrary<{
    melanoma: string;
    diagnosis?: string;
    confirmedBy?: Confirmation;
    date?: string;
    note?: string;
    overwrite?: boolean;
    by: string;
  }>(
    program
      .command('label')
      .description('record the ground truth of one image (the history is kept)')
      .argument('<image>', 'image id, a file that was imported, or its file name')
      .addOption(
        new Option('--melanoma <yes|no>', 'is it a melanoma').choices(['yes', 'no']).makeOptionMandatory(),
      )
      .option('--diagnosis <dx>', 'the diagnosis: a code (nv, mel …) or a name ("seborrheic keratosis")')
      .addOption(new Option('--confirmed-by <how>', 'how it was confirmed').choices(CONFIRMATIONS))
      .option('--date <yyyy-mm-dd>', 'when it was confirmed')
      .option('--note <text>', 'a note')
      .option('--overwrite', 'replace a label whose melanoma value differs, or a firmer confirmation')
      .addOption(byOption),
    (services, options, image) => {
      const imageId = resolveImage(services.context.library, image as string);
      const diagnosis = options.diagnosis === undefined ? undefined : readDiagnosis(options.diagnosis);
      if (diagnosis === null)
        throw new UsageError(`--diagnosis: ${unknownDiagnosisMessage(options.diagnosis ?? '')}`);
      const result = services.review.save({
        imageId,
        melanoma: options.melanoma === 'yes',
        diagnosis: diagnosis?.diagnosis,
        diagnosisDetail: diagnosis?.detail ?? undefined,
        overwrite: options.overwrite,
        confirmedBy: options.confirmedBy,
        confirmedAt: options.date,
        note: options.note,
      });
      out.result(result, () => {
        const l = result.label;
        const how = l.confirmedBy ? `, confirmed by ${l.confirmedBy}` : '';
        const dx = l.diagnosis ? `, ${l.diagnosis}${l.diagnosisDetail ? ` ${l.diagnosisDetail}` : ''}` : '';
        const what = `melanoma: ${l.melanoma ? 'yes' : 'no'}${dx}${how}`;
        return `${result.added ? 'Labeled' : 'Unchanged:'} image ${imageId} (${what})`;
      });
      return EXIT.ok;
    },
  );

  withLibrary<{ by: string }>(
    program
      .command('unlabel')
      .description("withdraw an image's current label, leaving it unlabeled (the history keeps it)")
      .argument('<image>', 'image id, a file that was imported, or its file name')
      .addOption(byOption),
    (services, _options, image) => {
      const imageId = resolveImage(services.context.library, image as string);
      const withdrawal = services.review.withdraw(imageId);
      out.result({ withdrawal }, () =>
        withdrawal
          ? `Withdrew the label of image ${imageId} (melanoma: ${withdrawal.melanoma ? 'yes' : 'no'}` +
            `${withdrawal.diagnosis ? `, ${withdrawal.diagnosis}` : ''})`
          : `Image ${imageId} has no label: nothing withdrawn`,
      );
      return EXIT.ok;
    },
  );

  const labels = program.command('labels').description('ground truth in bulk');
  withLibrary<{ by: string; overwrite?: boolean }>(
    labels
      .command('import')
      .description('record ground truth from a CSV (image, melanoma, diagnosis, confirmation, date)')
      .argument('<csv>', 'e.g. a pathology export, or HAM10000 labels.csv')
      .option('--overwrite', 'also record rows that flip melanoma or weaken a confirmation')
      .addOption(byOption),
    (services, options, file) => {
      const report = services.review.importCsv(file as string, { overwrite: options.overwrite });
      out.result(report, () => groundTruthSummary(report));
      return report.failed > 0 || report.skipped > 0 ? EXIT.partial : EXIT.ok;
    },
  );

  withLibrary<object>(
    program
      .command('export')
      .description(
        'write one CSV row per image: id, file name, patient, study, current label, latest probability',
      )
      .argument('<csv>', 'the file to write, or - for standard output'),
    (services, _options, file) => {
      if (file === '-') {
        process.stdout.write(services.exports.csv());
        return EXIT.ok;
      }
      const written = services.exports.writeCsv(file as string);
      out.result(written, () => `Wrote ${written.rows} row(s) to ${file}`);
      return EXIT.ok;
    },
  );

  registerModelCommands(program, out);
  registerSettingsCommand(program, out);
  return program;
}

/** An image by library id, by a file that was imported (matched by content), or by its unique name. */
function resolveImage(library: Library, reference: string): number {
  if (/^\d+$/.test(reference)) {
    if (library.images.byId(Number(reference))) return Number(reference);
    throw new UsageError(`No image with id ${reference} in the library.`);
  }
  if (fs.existsSync(reference) && fs.statSync(reference).isFile()) {
    const image = library.images.bySha256(sha256(fs.readFileSync(reference)));
    if (image) return image.id;
    throw new UsageError(`${reference} has not been imported into this library.`);
  }
  const ids = library.images.idsByName().get(reference) ?? [];
  if (ids.length === 1 && ids[0] !== undefined) return ids[0];
  throw new UsageError(
    ids.length > 1
      ? `${reference} names ${ids.length} images (ids ${ids.join(', ')}); give the image id.`
      : `No image named ${reference} in the library.`,
  );
}
