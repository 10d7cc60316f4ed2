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

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * The values in FEATURE_NAMES order; every feature must be present and finite. With `overrides`,
 * the vector of `{ ...values, ...overrides }` without building that ~100-key object, which costs
 * more than the vector itself.
 */
export function toFeatureVector(flowUid: string, values: FeatureValues, overrides?: FeatureValues): number[] {
  // One pass, one lookup per name: a lookup by name in a ~100-key object is what this costs.
  const out: number[] = [];
  let missing: string[] | undefined;
  for (let i = 0; i < FEATURE_NAMES.length; i++) {
    const name = FEATURE_NAMES[i];
    const value = overrides !== undefined && hasOwn(overrides, name) ? overrides[name] : values[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) (missing ??= []).push(name);
    out.push(value);
  }
  if (missing) throw new FeatureMissingError(flowUid, missing);
  return out;
}
