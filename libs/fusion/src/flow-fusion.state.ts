import type { AlertRecord, SignatureHitRecord } from '@ids/contracts';
import { signatureAlert } from './alert.builder';

/** What the fusion stage remembers of one flow until its scores are decided (JSON: it is changelogged). */
export interface FlowFusionState {
  /** Latest event time seen for the flow: retention runs from here. */
  lastUs: number;
  /** `gid:sid` of every rule already alerted on in this flow. */
  sids: string[];
  /** The first hit of each sid, for the hybrid decision; bounded. */
  hits: SignatureHitRecord[];
  /** Hits not alerted because their sid already was. */
  suppressed: number;
}

export interface FusionLimits {
  /** Hits kept per flow for the hybrid decision (the first hit of each sid, in arrival order). */
  maxHitsPerFlow: number;
  /** sids remembered per flow for suppression; past it a repeated sid alerts again (same alert_id). */
  maxSidsPerFlow: number;
}

export const DEFAULT_FUSION_LIMITS: FusionLimits = { maxHitsPerFlow: 32, maxSidsPerFlow: 1024 };

export interface HitStep {
  state: FlowFusionState;
  /** The signature alert to raise, or null when the sid was already alerted in this flow. */
  alert: AlertRecord | null;
  /** The hit is not kept for the hybrid decision (the flow's hit list is full). */
  dropped: boolean;
}

export function emptyFlowState(): FlowFusionState {
  return { lastUs: Number.MIN_SAFE_INTEGER, sids: [], hits: [], suppressed: 0 };
}

/** One signature hit: alert the first of each sid in the flow, count the rest. */
export function observeHit(state: FlowFusionState | null, hit: SignatureHitRecord, limits: FusionLimits = DEFAULT_FUSION_LIMITS): HitStep {
  const prev = state ?? emptyFlowState();
  const sid = `${hit.gid}:${hit.sid}`;
  const lastUs = Math.max(prev.lastUs, hit.ts_us);
  if (prev.sids.includes(sid)) return { state: { ...prev, lastUs, suppressed: prev.suppressed + 1 }, alert: null, dropped: false };
  const keep = prev.hits.length < limits.maxHitsPerFlow;
  return {
    state: {
      lastUs,
      sids: prev.sids.length < limits.maxSidsPerFlow ? [...prev.sids, sid] : prev.sids,
      hits: keep ? [...prev.hits, hit] : prev.hits,
      suppressed: prev.suppressed,
    },
    alert: signatureAlert(hit),
    dropped: !keep,
  };
}
