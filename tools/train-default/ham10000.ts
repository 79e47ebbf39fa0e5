import fs from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/main/importer/csv';

export interface HamImage {
  name: string;
  file: string;
  melanoma: boolean;
  lesionId: string;
  /** Body site, for experiments that treat one site as a new clinic. */
  localization: string;
}

/** HAM10000's labels.csv, in image-name order so every run sees the same sequence. */
export function readHam(dir: string): HamImage[] {
  const labels = path.join(dir, 'labels.csv');
  if (!fs.existsSync(labels)) throw new Error(`HAM10000 is not in ${dir} (the project's ../shared/data)`);
  return readCsv(labels)
    .rows.map(({ values }) => ({
      name: values.image_id ?? '',
      file: path.join(dir, values.file ?? ''),
      melanoma: values.melanoma === '1',
      lesionId: values.lesion_id ?? '',
      localization: values.localization ?? '',
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
