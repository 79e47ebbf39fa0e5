/**
 * A simulated new clinic: one HAM10000 body site is held out of the "shipped" training data, then some
 * of its images are labeled and the head retrained with the product's recipe (shipped data at weight 1,
 * the clinic's labels at the localLabelWeight setting, the fixed lesion-grouped validation set). Prints
 * the ROC AUC on the site's other lesions and on the rest's validation set, before and after, over
 * several random draws of the labeled images. `npm run experiment:new-site -- [site] [labels...]`;
 * LOCAL_WEIGHT=<w> tries another weight than the setting's default.
 *
 * It uses the frozen backbone's embeddings (cached by `npm run train:default`), not the shipped ones: the
 * shipped top was fine-tuned on every HAM10000 image, the held-out site included, so its embeddings
 * would already know the "new" site.
 */
import path from 'node:path';
import { predict, trainHead, type HeadParams } from '../../src/main/model/training/head';
import { rocAuc } from '../../src/main/model/training/metrics';
import { createRandom, shuffle } from '../../src/main/model/training/random';
import { selectRows } from '../../src/main/model/artifacts/training-set';
import { baseVersion, EMBEDDING_SIZE, readProvenance } from '../../src/main/model/network/backbone';
import { cachedEmbeddings } from '../train-default/embed-cache';
import { inValidationSet, lesionGroup } from '../../src/main/model/training/validation-set';
import { SETTING_DEFAULTS } from '../../src/main/library/settings';
import { resourcePaths } from '../../src/main/resources';
import { readShippedModel } from '../../src/main/model/artifacts/registry';
import { headTrainingRequest, type WeightedSet } from '../../src/main/triage/retrain';
import { readHam } from '../train-default/ham10000';

const ROOT = path.resolve(__dirname, '..', '..');
const DRAWS = 10;

async function main(): Promise<void> {
  const site = process.argv[2] ?? 'back';
  const sizes = process.argv.slice(3).map(Number);
  const localWeight = Number(process.env.LOCAL_WEIGHT ?? SETTING_DEFAULTS.localLabelWeight);
  const images = readHam(path.resolve(ROOT, '..', 'shared', 'data', 'ham10000'));
  const resources = resourcePaths(path.join(ROOT, 'resources'));
  const frozen = baseVersion(await readProvenance(resources.backboneDir));
  const values = cachedEmbeddings(path.join(ROOT, '.cache'), frozen, images.length);
  if (!values) throw new Error(`no cached ${frozen} embeddings: run npm run train:default first`);
  const set = {
    values,
    dimension: EMBEDDING_SIZE,
    labels: Uint8Array.from(images, (i) => (i.melanoma ? 1 : 0)),
  };
  const d = set.dimension;
  const shipped = readShippedModel(resources.defaultModelDir);
  console.log(`local label weight ${localWeight}`);
  const onSite = images.flatMap((image, i) => (image.localization === site ? [i] : []));
  const rest = images.flatMap((image, i) => (image.localization === site ? [] : [i]));
  const group = (i: number): string => lesionGroup(images[i]?.lesionId ?? '');
  console.log(
    `new site "${site}": ${onSite.length} images, ${count(set.labels, onSite)} melanomas; rest ${rest.length}`,
  );

  const weightedSet = (shipped: number[], local: number[]): WeightedSet => {
    const rows = [...shipped, ...local];
    return {
      values: selectRows(set.values, d, rows),
      labels: Uint8Array.from(rows, (i) => set.labels[i] as number),
      weights: Float32Array.from(rows, (_, k) => (k < shipped.length ? 1 : localWeight)),
      local: Uint8Array.from(rows, (_, k) => (k < shipped.length ? 0 : 1)),
      validation: Uint8Array.from(rows, (i) => (inValidationSet(group(i)) ? 1 : 0)),
    };
  };
  const train = (data: WeightedSet): HeadParams =>
    trainHead(headTrainingRequest(data, shipped.hyperparameters.l2).request).head;
  const auc = (head: HeadParams, rows: number[]): number =>
    rocAuc(
      predict(head, selectRows(set.values, d, rows), rows.length),
      Uint8Array.from(rows, (i) => set.labels[i] as number),
    );

  const restValidation = rest.filter((i) => inValidationSet(group(i)));
  const base = train(weightedSet(rest, []));
  console.log(
    `base model (without the site): AUC on the rest's validation set ${auc(base, restValidation).toFixed(4)}`,
  );

  for (const size of sizes.length > 0 ? sizes : [100, 500]) {
    const gains: number[] = [];
    const restChanges: number[] = [];
    for (let draw = 0; draw < DRAWS; draw++) {
      // Labeled images are whole lesions, so no lesion is both labeled and tested.
      const lesions = shuffle([...new Set(onSite.map(group))], createRandom(1000 + draw));
      const labeledLesions = new Set<string>();
      let labeled = 0;
      for (const lesion of lesions) {
        if (labeled >= size) break;
        labeledLesions.add(lesion);
        labeled += onSite.filter((i) => group(i) === lesion).length;
      }
      const local = onSite.filter((i) => labeledLesions.has(group(i)));
      const test = onSite.filter((i) => !labeledLesions.has(group(i)));
      const retrained = train(weightedSet(rest, local));
      const before = auc(base, test);
      const after = auc(retrained, test);
      gains.push(after - before);
      restChanges.push(auc(retrained, restValidation) - auc(base, restValidation));
      console.log(
        `  ${size} labels, draw ${draw + 1}: ${local.length} labeled (${count(set.labels, local)} melanomas); ` +
          `site AUC ${before.toFixed(4)} → ${after.toFixed(4)}; rest ${signed(restChanges.at(-1) as number)}`,
      );
    }
    console.log(
      `${size} labels: site AUC gain mean ${signed(mean(gains))}, worst ${signed(Math.min(...gains))}; ` +
        `rest AUC change mean ${signed(mean(restChanges))}, worst ${signed(Math.min(...restChanges))}`,
    );
  }
}

const count = (labels: Uint8Array, rows: number[]): number =>
  rows.reduce((s, i) => s + (labels[i] as number), 0);
const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;

void main();
