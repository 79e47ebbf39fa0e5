import fs from 'node:fs';
import path from 'node:path';
import {
  readTrainingSet,
  selectRows,
  trainingImagePath,
  writeTrainingSet,
} from '../../src/main/model/artifacts/training-set';
import { inValidationSet } from '../../src/main/model/training/validation-set';
import { resourcePaths, type ResourcePaths } from '../../src/main/resources';

const shippedResources = resourcePaths();

/**
 * Resources like the shipped ones, whose training set is a few dozen of the shipped rows (some in the
 * fixed validation set, melanomas on both sides) with their photographs: small enough to fine-tune on
 * in seconds.
 */
export function smallResources(root: string): ResourcePaths {
  const dir = path.join(root, 'resources');
  fs.mkdirSync(path.join(dir, 'training'), { recursive: true });
  fs.symlinkSync(path.dirname(shippedResources.backboneDir), path.join(dir, 'backbone'));
  fs.symlinkSync(path.dirname(shippedResources.defaultModelDir), path.join(dir, 'models'));
  const resources = resourcePaths(dir);
  const shipped = readTrainingSet(shippedResources.trainingSetDir);
  const pick = (validation: boolean, melanoma: number, count: number): number[] =>
    Array.from(shipped.labels, (y, i) => i)
      .filter((i) => shipped.labels[i] === melanoma && inValidationSet(shipped.groups[i]!) === validation)
      .filter((_, k) => k % 7 === 0)
      .slice(0, count);
  const rows = [...pick(false, 1, 16), ...pick(false, 0, 32), ...pick(true, 1, 8), ...pick(true, 0, 16)];
  const names = rows.map((i) => shipped.names[i]!);
  writeTrainingSet(resources.trainingSetDir, {
    ...shipped,
    values: selectRows(shipped.values, shipped.dimension, rows),
    labels: Uint8Array.from(rows, (i) => shipped.labels[i]!),
    groups: rows.map((i) => shipped.groups[i]!),
    names,
  });
  fs.mkdirSync(path.join(resources.trainingSetDir, 'images'));
  for (const name of names) {
    fs.copyFileSync(
      trainingImagePath(shippedResources.trainingSetDir, name),
      trainingImagePath(resources.trainingSetDir, name),
    );
  }
  return resources;
}
