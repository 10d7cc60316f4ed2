import { FEATURE_NAMES, FEATURE_SCHEMA } from './feature-catalog';
import type { FeatureValues } from './flow-features';

export class FeatureMissingError extends Error {
  readonly code = 'FEATURE_MISSING';
  readonly retriable = false;
  constructor(readonly flowUid: string, readonly missing: string[]) {
    super(`flow ${flowUid}: no value for feature(s) ${missing.join(', ')} of ${FEATURE_SCHEMA}`);
    this.name = 'FeatureMissingError';
  }
}

/** The values in FEATURE_NAMES order; every feature must be present and finite. */
export function toFeatureVector(flowUid: string, values: FeatureValues): number[] {
  const missing = FEATURE_NAMES.filter((n) => typeof values[n] !== 'number' || !Number.isFinite(values[n]));
  if (missing.length > 0) throw new FeatureMissingError(flowUid, missing);
  return FEATURE_NAMES.map((n) => values[n]);
}
