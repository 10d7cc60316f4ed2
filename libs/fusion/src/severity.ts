/** EVE severity of a signature alert: the rule's priority, clamped to 1..4 (classification.config goes up to 4). */
export function signatureSeverity(priority: number): number {
  if (!Number.isFinite(priority)) return 3;
  return Math.min(4, Math.max(1, Math.round(priority)));
}

/** EVE severity of an ML alert from the model's probability (seed 003 §7.1: > 0.9 high, > 0.7 medium). */
export function mlSeverity(probability: number): number {
  if (probability > 0.9) return 2;
  if (probability > 0.7) return 3;
  return 4;
}

/** Both layers agree: the highest severity (seed 003 §7.1 "Critical"). */
export const HYBRID_SEVERITY = 1;

/** Seed 003 §7.1: agreement raises the confidence halfway from the model's toward certainty. */
export function hybridConfidence(probability: number): number {
  return (1 + clampProbability(probability)) / 2;
}

export function clampProbability(p: number): number {
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
}
