/**
 * What the model screen reads, from a real head retraining on a real library: the candidate's stored
 * comparison is the promotion gate's own figures, with the parent evaluated on the same validation
 * images; and a retraining's time is estimated from the rate its last run measured, or not at all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolders } from '../../src/main/importer/import-folders';
import { openLibrary, type Library } from '../../src/main/library';
import type { Services } from '../../src/main/services';
import type { RetrainReport } from '../../src/main/triage/retrain';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES } from '../helpers/temp-dirs';

let root = '';
let library: Library;
let services: Services;
let report: RetrainReport;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-model-comparison-'));
  library = openLibrary(root);
  await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-1', study: 'visit', actor: 'test' });
  const idOf = (name: string): number =>
    library.db.prepare('SELECT id FROM images WHERE original_name = ?').pluck().get(name) as number;
  library.labels.add({ imageId: idOf('ISIC_0024306.jpg'), melanoma: false, labeledBy: 'test' });
  library.labels.add({ imageId: idOf('ISIC_0024310.jpg'), melanoma: true, labeledBy: 'test' });
  services = servicesFor(library);
  expect(services.retraining.estimate('head')).toEqual({ images: 2, measured: null });
  report = await services.retraining.retrain('head');
}, 180_000);

afterAll(() => {
  library?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('a retraining as the model screen reads it', () => {
  it("stores the gate's figures and the parent's evaluation on the candidate's validation images", () => {
    const detail = services.models.detail(report.candidate);
    expect(detail.comparison).toMatchObject({
      parent: report.parent,
      weightedAuc: report.candidateAuc,
      parentWeightedAuc: report.activeAuc,
    });
    const parent = detail.comparison?.parentValidation;
    expect(parent?.count).toBe(detail.validation?.count);
    expect(parent?.positives).toBe(detail.validation?.positives);
    expect(parent?.ece).toEqual(expect.any(Number));
    expect(parent?.logLoss).toEqual(expect.any(Number));
    // The decision quotes the same two numbers the comparison carries.
    expect(report.decision).toContain(`${report.candidateAuc.toFixed(4)}`);
    expect(report.decision).toContain(`${report.activeAuc.toFixed(4)}`);
    expect(services.models.detail(report.parent).comparison).toBeNull();
  });

  it('estimates the next run from the rate the last one of its depth measured, and has none for deep', () => {
    const head = services.retraining.estimate('head');
    const counts = services.models.show(report.candidate).provenance.counts;
    const shipped = (counts.shippedTrain ?? 0) + (counts.shippedValidation ?? 0);
    expect(head.images).toBe(shipped + 2);
    expect(head.measured?.imagesPerSecond).toBeGreaterThan(0);
    expect(head.measured?.seconds).toBeCloseTo(head.images / head.measured!.imagesPerSecond, 6);
    expect(services.retraining.estimate('deep')).toEqual({ images: 2, measured: null });
  });
});
