import { CompatibilityLevelInvalidError } from './registry.errors';

/** Confluent's compatibility levels (Avro). BACKWARD is the default of a fresh registry. */
export const COMPATIBILITY_LEVELS = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** Accepts any letter case, as Confluent does; anything else is error 42203. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (!isCompatibilityLevel(upper)) throw new CompatibilityLevelInvalidError(value);
  return upper;
}
