import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../../src/main/library';
import type { ImageRecord } from '../../src/main/library/images';
import { importFolders } from '../../src/main/importer/import-folders';
import { readTrainingSet } from '../../src/main/model/artifacts/training-set';
import { resourcePaths } from '../../src/main/resources';
import { HAM_FIXTURES } from './temp-dirs';

/**
 * Grows a library to the size of a large clinic's without decoding a photograph per row: each new
 * image is a row written by the library's own code, with an embedding from `embeddings` (the shipped
 * HAM10000 vectors, over and over) so that the real model scores it, and, when `filesOf` is given, the
 * stored photograph and thumbnail of one of those already imported images, hard-linked under the new
 * row's own hash (the store names files by hash, and a link costs no disk space).
 */
export interface LargeLibraryOptions {
  count: number;
  embeddings: {
    backbone: string;
    dimension: number;
    /** Rows of `dimension` values, row-major. */
    values: Float32Array;
    /** 1 melanoma, 0 not, per row of `values`: the ground truth given to every `labelEvery`-th image. */
    labels?: Uint8Array;
  };
  filesOf?: ImageRecord[];
  /** Patients the images are spread over, two studies each; 'BENCH' alone when absent. */
  patients?: number;
  labelEvery?: number;
}

export function fillLibrary(library: Library, options: LargeLibraryOptions): void {
  const { backbone, dimension, values, labels } = options.embeddings;
  const vectors = values.length / dimension;
  const studies = makeStudies(library, options.patients);
  const shards = new Set<string>();
  const link = (from: string, to: string): void => {
    const dir = path.dirname(to);
    if (!shards.has(dir)) fs.mkdirSync(dir, { recursive: true });
    shards.add(dir);
    fs.linkSync(from, to);
  };
  library.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const sha256 = `f${i.toString(16).padStart(63, '0')}`;
      const source = options.filesOf?.[i % options.filesOf.length];
      const name = `${i.toString().padStart(6, '0')}.jpg`;
      const imageId = library.images.insert({
        studyId: studies[i % studies.length] as number,
        sha256,
        originalPath: `/clinic/${name}`,
        originalName: name,
        format: source?.format ?? 'jpeg',
        width: source?.width ?? 600,
        height: source?.height ?? 450,
        orientation: null,
        bytes: source?.bytes ?? 1,
        capturedAt: null,
        bodySite: null,
        lesionId: null,
      });
      if (source) {
        link(library.store.thumbnailPath(source.sha256), library.store.thumbnailPath(sha256));
        link(
          library.store.originalPath(source.sha256, source.format),
          library.store.originalPath(sha256, source.format),
        );
      }
      const row = i % vectors;
      library.embeddings.put(imageId, backbone, values.subarray(row * dimension, (row + 1) * dimension));
      if (labels && options.labelEvery && i % options.labelEvery === 0) {
        library.labels.add({ imageId, melanoma: labels[row] === 1, labeledBy: 'clinic' });
      }
    }
  });
}

/**
 * The four fixture photographs imported for patient P-0000, and `added` rows beside them over
 * `patients` patients showing those photographs, every tenth labeled: a long queue for the window.
 */
export async function fillFromFixtures(
  library: Library,
  options: { added: number; patients: number },
): Promise<void> {
  await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-0000', study: 'Visit', actor: 'e2e' });
  const imported = library.db.prepare('SELECT id FROM images').pluck().all() as number[];
  fillLibrary(library, {
    count: options.added,
    embeddings: readTrainingSet(resourcePaths().trainingSetDir),
    filesOf: imported.map((id) => library.images.byId(id) as ImageRecord),
    patients: options.patients,
    labelEvery: 10,
  });
}

function makeStudies(library: Library, patients: number | undefined): number[] {
  if (patients === undefined) {
    const patient = library.patients.ensurePatient('BENCH');
    return [library.patients.ensureStudy(patient.id, 'bench').id];
  }
  const studies: number[] = [];
  for (let p = 1; p <= patients; p++) {
    const patient = library.patients.ensurePatient(`P-${p.toString().padStart(4, '0')}`);
    for (const name of ['first visit', 'follow-up']) {
      studies.push(library.patients.ensureStudy(patient.id, name).id);
    }
  }
  return studies;
}
