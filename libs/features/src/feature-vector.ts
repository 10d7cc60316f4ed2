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
  // One pass, one lookup per name: a lookup by name in a ~100-key object is what this costs, and
  // it runs once per flow.
  const out: number[] = [];
  let missing: string[] | undefined;
  for (let i = 0; i < FEATURE_NAMES.length; i++) {
    const value = values[FEATURE_NAMES[i]];
    if (typeof value !== 'number' || !Number.isFinite(value)) (missing ??= []).push(FEATURE_NAMES[i]);
    out.push(value);
  }
  if (missing) throw new FeatureMissingError(flowUid, missing);
  return out;
}
