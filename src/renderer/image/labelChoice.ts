import type { ImageDetail, LabelRequest } from '../../api/contract';
import type { Confirmation, Diagnosis, DiagnosisDetail } from '../../api/vocabulary';

export type StoredLabel = ImageDetail['labels'][number];
/** A label as the panel saves it: the request without the image, which the panel adds. */
export type LabelChoice = Omit<LabelRequest, 'imageId'>;

/** One keypress or click of the label panel. */
export type Choice =
  | { kind: 'melanoma'; melanoma: boolean }
  | { kind: 'diagnosis'; diagnosis: Diagnosis }
  | { kind: 'confirmation'; confirmedBy: Confirmation }
  | { kind: 'detail'; detail: DiagnosisDetail | undefined }
  | { kind: 'note'; note: string | undefined };

/** The image's label while `row` is the newest of its history: none if it is a withdrawal. */
export function labelAfter(row: StoredLabel | undefined): StoredLabel | undefined {
  return row?.withdrawn ? undefined : row;
}

/** A stored label's choices as a request. */
export function asChoice(label: StoredLabel): LabelChoice {
  return definedOnly({
    melanoma: label.melanoma,
    diagnosis: label.diagnosis ?? undefined,
    diagnosisDetail: label.diagnosisDetail ?? undefined,
    confirmedBy: label.confirmedBy ?? undefined,
    confirmedAt: label.confirmedAt ?? undefined,
    note: label.note ?? undefined,
  });
}

/**
 * The label a choice makes of the current one. Each changes one thing and keeps the rest, except that
 * a new melanoma value drops the confirmation (a biopsy that confirmed "melanoma" did not confirm "not
 * melanoma") and takes the session's default instead, as does a first label.
 */
export function applyChoice(
  current: StoredLabel | undefined,
  choice: Choice,
  sessionDefault: Confirmation | null,
): LabelChoice | { error: string } {
  const kept = current ? asChoice(current) : undefined;
  switch (choice.kind) {
    case 'melanoma':
    case 'diagnosis': {
      const melanoma = choice.kind === 'melanoma' ? choice.melanoma : choice.diagnosis === 'mel';
      const diagnosis =
        choice.kind === 'diagnosis'
          ? choice.diagnosis
          : melanoma
            ? 'mel'
            : kept?.diagnosis !== 'mel'
              ? kept?.diagnosis
              : undefined;
      const same = kept !== undefined && kept.melanoma === melanoma;
      return definedOnly({
        melanoma,
        diagnosis,
        diagnosisDetail: same ? kept.diagnosisDetail : undefined,
        confirmedBy: (same ? kept.confirmedBy : undefined) ?? sessionDefault ?? undefined,
        confirmedAt: same ? kept.confirmedAt : undefined,
        note: kept?.note,
      });
    }
    case 'confirmation':
      if (!kept) return { error: 'Say melanoma (M), not melanoma (N) or a diagnosis (a digit) first.' };
      return definedOnly({
        ...kept,
        confirmedBy: choice.confirmedBy,
        // The date belonged to the method it replaces.
        confirmedAt: kept.confirmedBy === choice.confirmedBy ? kept.confirmedAt : undefined,
      });
    case 'detail':
      if (!kept?.melanoma)
        return { error: 'In situ and invasive describe a melanoma: say melanoma (M) first.' };
      return definedOnly({ ...kept, diagnosisDetail: choice.detail });
    case 'note':
      if (!kept) return { error: 'Label the image before adding a note.' };
      return definedOnly({ ...kept, note: choice.note });
  }
}

/** The request without the fields left undefined: the contract is strict about what it is sent. */
export function definedOnly<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}
