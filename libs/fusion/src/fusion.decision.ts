import type { AlertRecord, MlScoreRecord, SignatureHitRecord } from '@ids/contracts';
import { hybridAlert, mlAlert } from './alert.builder';

const BENIGN = 'benign';
export const ANOMALY_LABEL = 'anomaly';

/** Everything known about one flow once the watermark has passed its end. */
export interface FlowEvidence {
  /** The flow's end (the scores' record time): the alert's event time. */
  timeUs: number;
  /** The models' verdicts on the flow; shadow verdicts are ignored here. */
  scores: readonly MlScoreRecord[];
  /** The first hit of each sid in the flow (empty when no rule matched). */
  hits: readonly SignatureHitRecord[];
}

/** A classifier verdict (anomaly models set anomaly_score) that names an attack. */
export function isClassifierAttack(score: MlScoreRecord): boolean {
  return score.anomaly_score === null && score.label !== BENIGN && score.family !== BENIGN;
}

/** An anomaly model's verdict over its threshold (the inference lib labels it 'anomaly'). */
export function isAnomaly(score: MlScoreRecord): boolean {
  return score.anomaly_score !== null && score.label === ANOMALY_LABEL;
}

/**
 * The ML/hybrid decision for one flow (signature alerts are raised on arrival, not here):
 *   a classifier attack + hits → hybrid; a classifier attack alone → ml;
 *   otherwise an anomaly + hits → hybrid (named by the rule); an anomaly alone → ml 'anomaly';
 *   otherwise nothing. With several models the most confident verdict speaks (ties: model name).
 */
export function decide(evidence: FlowEvidence): AlertRecord | null {
  const active = evidence.scores.filter((s) => !s.shadow);
  const verdict = strongest(active.filter(isClassifierAttack)) ?? strongest(active.filter(isAnomaly));
  if (!verdict) return null;
  return evidence.hits.length > 0 ? hybridAlert(verdict, evidence.hits, evidence.timeUs) : mlAlert(verdict, evidence.timeUs);
}

function strongest(scores: MlScoreRecord[]): MlScoreRecord | null {
  if (scores.length === 0) return null;
  return [...scores].sort((a, b) => b.confidence - a.confidence || compare(a.model, b.model) || compare(a.label, b.label))[0];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
