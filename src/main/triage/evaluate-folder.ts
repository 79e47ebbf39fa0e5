import path from 'node:path';
import { pickColumn, readCsv, readYesNo, CsvError } from '../importer/csv';
import { predict } from '../model/training/head';
import { evaluate, type Evaluation } from '../model/training/metrics';
import type { ModelProcess } from '../model/process/host';
import type { ModelArtifact } from '../model/artifacts/registry';

export interface FolderEvaluation extends Evaluation {
  model: string;
  auc: number | null;
  n: number;
  /** Images listed in labels.csv that could not be scored, with the reason. */
  failed: Array<{ file: string; reason: string }>;
}

const FILE_COLUMNS = ['file', 'filename', 'file_name', 'path', 'image'];

/**
 * Scores a labeled folder (images plus labels.csv with at least `file` and `melanoma`) that the model has
 * never seen, without adding anything to a library, and measures the model on it at its threshold.
 */
export async function evaluateFolder(
  folder: string,
  modelProcess: ModelProcess,
  model: ModelArtifact,
  signal?: AbortSignal,
): Promise<FolderEvaluation> {
  const csv = path.join(folder, 'labels.csv');
  const table = readCsv(csv);
  const fileColumn = pickColumn(table, FILE_COLUMNS);
  if (!fileColumn)
    throw new CsvError(`${csv} has no file column (expected one of: ${FILE_COLUMNS.join(', ')})`);
  if (!table.columns.includes('melanoma')) throw new CsvError(`${csv} has no melanoma column`);
  const failed: FolderEvaluation['failed'] = [];
  const rows: Array<{ file: string; melanoma: number }> = [];
  for (const { line, values } of table.rows) {
    const melanoma = readYesNo(values.melanoma ?? '');
    const file = path.resolve(folder, values[fileColumn] ?? '');
    if (typeof melanoma !== 'boolean') {
      failed.push({ file, reason: `line ${line}: melanoma "${values.melanoma}" is not yes/no` });
    } else rows.push({ file, melanoma: melanoma ? 1 : 0 });
  }
  const backend = await modelProcess.backend();
  if (backend.backboneVersion !== model.backbone) {
    throw new Error(
      `model ${model.version} needs backbone ${model.backbone}, not ${backend.backboneVersion}`,
    );
  }
  const vectors = new Map<number, Float32Array>();
  await modelProcess.embed(
    rows.map((row, i) => ({ imageId: i, path: row.file })),
    {
      signal,
      onEmbedded: (i, vector) => vectors.set(i, vector),
      onImageError: (_i, file, reason) => failed.push({ file, reason }),
    },
  );
  const scored = rows.flatMap((row, i) => (vectors.has(i) ? [i] : []));
  const dimension = model.head.dimension;
  const matrix = new Float32Array(scored.length * dimension);
  scored.forEach((i, k) => matrix.set(vectors.get(i) as Float32Array, k * dimension));
  const scores = predict(model.head, matrix, scored.length);
  const labels = Uint8Array.from(scored, (i) => rows[i]?.melanoma ?? 0);
  const metrics = evaluate(scores, labels, model.threshold);
  return { model: model.version, auc: metrics.rocAuc, n: metrics.count, ...metrics, failed };
}
