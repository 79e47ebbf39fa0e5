import type { ImageDetail } from '../../api/contract';
import type { LabelInput } from '../../api/labels';
import { describeLabel } from '../../api/label-change';
import { LibraryError } from '../library';
import { importGroundTruth, type GroundTruthReport } from '../importer/ground-truth';
import type { ImageExplanation } from '../triage/explain';
import { Explainer } from '../triage/explainer';
import type { ServiceContext } from './context';

/** An image under review and its ground truth: the details, the heatmap, labels one at a time or from a CSV. */
export class ReviewService {
  private readonly explainer: Explainer;

  constructor(private readonly context: ServiceContext) {
    this.explainer = new Explainer(context.library, context.resources, context.models);
  }

  detail(imageId: number): ImageDetail {
    const { library } = this.context;
    const image = library.images.withOwner(imageId);
    if (!image) throw new LibraryError(`No image with id ${imageId} in the library.`, 'not-found');
    const active = library.models.active();
    const probability = active && library.predictions.probability(active.id, imageId);
    return {
      id: image.id,
      fileName: image.originalName,
      patient: image.patient,
      study: image.study,
      studyDate: image.studyDate,
      width: image.width,
      height: image.height,
      format: image.format,
      bytes: image.bytes,
      capturedAt: image.capturedAt,
      importedAt: image.importedAt,
      bodySite: image.bodySite,
      lesionId: image.lesionId,
      prediction:
        active && probability !== undefined
          ? { model: active.version, probability, suspicious: probability >= active.threshold }
          : null,
      labels: library.labels.history(imageId),
    };
  }

  explain(imageId: number): Promise<ImageExplanation> {
    return this.explainer.explain(imageId);
  }

  /**
   * Records a label and its audit row in one transaction: a label the audit could not record is not
   * kept either. A label equal to the current one records nothing. One that flips melanoma or weakens
   * the confirmation (label-change.ts) is refused, writing nothing, unless `overwrite` says to.
   */
  save({
    overwrite,
    ...input
  }: Omit<LabelInput, 'labeledBy'> & { overwrite?: boolean }): ReturnType<
    ServiceContext['library']['labels']['add']
  > {
    const { library, actor } = this.context;
    return library.transaction(() => {
      const conflict = overwrite ? null : library.labels.conflictWith({ ...input, labeledBy: actor });
      if (conflict) {
        const image = library.images.byId(input.imageId);
        throw new LibraryError(
          `Image ${input.imageId}${image ? ` (${image.originalName})` : ''} is labeled "${describeLabel(conflict.current)}"; ` +
            `the new label "${describeLabel(input)}" needs confirmation because ${conflict.reason}. ` +
            'Save it again with overwrite (the CLI: --overwrite) to replace it; the history keeps both.',
          'conflict',
        );
      }
      const result = library.labels.add({ ...input, labeledBy: actor });
      if (result.added) {
        library.audit.record(actor, 'label.add', `image:${input.imageId}`, { melanoma: input.melanoma });
      }
      return result;
    });
  }

  /** Withdraws the image's current label, leaving it unlabeled (the history keeps it), audited with it. */
  withdraw(imageId: number): ReturnType<ServiceContext['library']['labels']['withdraw']> {
    const { library, actor } = this.context;
    return library.transaction(() => {
      const withdrawal = library.labels.withdraw(imageId, actor);
      if (withdrawal) library.audit.record(actor, 'label.withdraw', `image:${imageId}`);
      return withdrawal;
    });
  }

  /**
   * Ground truth from a CSV: every good row recorded, each bad one reported with its line and field, each
   * that would flip melanoma or weaken a confirmation skipped with the reason unless `overwrite`.
   */
  importCsv(file: string, options: { overwrite?: boolean } = {}): GroundTruthReport {
    return importGroundTruth(this.context.library, file, this.context.actor, options);
  }
}
