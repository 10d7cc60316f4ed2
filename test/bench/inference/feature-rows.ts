// The rows every runtime of the inference bench scores: the real feature vectors of the dataset
// CSVs (`ids dataset` output: flow_uid,ts,scenario,label,family,<features>), holdout first, as one
// float32 matrix. inference-reference.py builds the same matrix and the same batches.
import { readFileSync } from 'node:fs';

export const LEADING_COLUMNS = ['flow_uid', 'ts', 'scenario', 'label', 'family'] as const;
/** Batches per cell: each timed iteration takes the next, so no runtime sees one batch only. */
export const DISTINCT_BATCHES = 8;

export interface FeatureRows {
  featureNames: string[];
  rows: number;
  /** rows × featureNames.length, row-major. */
  data: Float32Array;
}

export class FeatureCsvInvalidError extends Error {
  readonly code = 'FEATURE_CSV_INVALID';
  constructor(readonly source: string, readonly line: number, readonly problem: string) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'FeatureCsvInvalidError';
  }
}

/**
 * Parses a dataset CSV's feature columns. The leading columns hold no commas or quotes (uids,
 * numbers, label words), so a plain split is exact here.
 */
export function parseFeatureCsv(text: string, source: string): FeatureRows {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) throw new FeatureCsvInvalidError(source, 1, 'no header');
  const header = lines[0].replace(/\r$/, '').split(',');
  const skip = LEADING_COLUMNS.length;
  if (LEADING_COLUMNS.some((c, i) => header[i] !== c)) {
    throw new FeatureCsvInvalidError(source, 1, `header must start with ${LEADING_COLUMNS.join(',')}, got ${header.slice(0, skip).join(',')}`);
  }
  const featureNames = header.slice(skip);
  const width = featureNames.length;
  const data = new Float32Array((lines.length - 1) * width);
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].replace(/\r$/, '').split(',');
    if (cells.length !== header.length) throw new FeatureCsvInvalidError(source, r + 1, `${cells.length} columns, the header has ${header.length}`);
    for (let c = 0; c < width; c++) {
      const v = Number(cells[skip + c]);
      if (!Number.isFinite(v) || cells[skip + c] === '') throw new FeatureCsvInvalidError(source, r + 1, `${featureNames[c]} is not a finite number: "${cells[skip + c]}"`);
      data[(r - 1) * width + c] = v;
    }
  }
  return { featureNames, rows: lines.length - 1, data };
}

/** Concatenates the files' rows in order; their feature columns must agree. */
export function readFeatureRows(paths: string[]): FeatureRows {
  const parts = paths.map((p) => parseFeatureCsv(readFileSync(p, 'utf8'), p));
  const names = parts[0].featureNames;
  for (const [i, part] of parts.entries()) {
    if (part.featureNames.join(',') !== names.join(',')) throw new FeatureCsvInvalidError(paths[i], 1, `feature columns differ from ${paths[0]}`);
  }
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const data = new Float32Array(rows * names.length);
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { featureNames: names, rows, data };
}

/** First row of each of the DISTINCT_BATCHES batches of `batch` rows: batch k starts at k·batch, wrapped so it fits. */
export function batchOffsets(totalRows: number, batch: number): number[] {
  if (!(batch >= 1 && batch <= totalRows)) throw new RangeError(`batch ${batch} does not fit in ${totalRows} rows`);
  const span = totalRows - batch + 1;
  return Array.from({ length: DISTINCT_BATCHES }, (_, k) => (k * batch) % span);
}

/** The batches as copies (each its own buffer, as a caller would hand them to ONNX Runtime). */
export function sliceBatches(rows: FeatureRows, batch: number): Float32Array[] {
  const width = rows.featureNames.length;
  return batchOffsets(rows.rows, batch).map((o) => rows.data.slice(o * width, (o + batch) * width));
}
