import type { AlertRecord, AttackFamily, MlScoreRecord, SignatureHitRecord } from '@ids/contracts';
import { alertId } from './alert-id';
import { asAttackFamily, familyOfHit } from './attack-family';
import { eveProto } from './eve-proto';
import { formatEveTimestamp } from './eve-timestamp';
import { mlSignatureId, modelRev } from './ml-signature-id';
import { clampProbability, HYBRID_SEVERITY, hybridConfidence, mlSeverity, signatureSeverity } from './severity';

/** The family an ML score names, as the Alert enum has it ('anomaly' for a family the enum lacks). */
export function familyOfScore(score: Pick<MlScoreRecord, 'family'>): AttackFamily {
  return asAttackFamily(score.family) ?? 'anomaly';
}

/** A rule hit's finer name: its `metadata: label`, else its msg. */
export function labelOfHit(hit: Pick<SignatureHitRecord, 'label' | 'msg'>): string {
  return hit.label ?? hit.msg;
}

/** The first hit of a sid in a flow: packet direction and packet time, as Suricata reports it. */
export function signatureAlert(hit: SignatureHitRecord): AlertRecord {
  const family = familyOfHit(hit);
  return {
    alert_id: alertId(hit.flow_id, 'signature', `${hit.gid}:${hit.sid}`),
    timestamp: formatEveTimestamp(hit.ts_us),
    flow_id: hit.flow_id,
    src_ip: hit.src_ip, src_port: hit.src_port, dest_ip: hit.dest_ip, dest_port: hit.dest_port, proto: eveProto(hit.proto),
    alert: { signature_id: hit.sid, rev: hit.rev, signature: hit.msg, category: hit.classtype ?? family, severity: signatureSeverity(hit.priority) },
    detection: { method: 'signature', confidence: 1, family, label: labelOfHit(hit) },
  };
}

/** What a model alone detected, at the flow's end (`timeUs`), initiator → responder. */
export function mlAlert(score: MlScoreRecord, timeUs: number): AlertRecord {
  const family = familyOfScore(score);
  const p = clampProbability(score.confidence);
  return {
    alert_id: alertId(score.flow_id, 'ml', score.label),
    timestamp: formatEveTimestamp(timeUs),
    flow_id: score.flow_id,
    ...flowEndpoints(score),
    alert: { signature_id: mlSignatureId(score.label), rev: modelRev(score.model_version), signature: `ML: ${score.label} (${modelName(score)})`, category: family, severity: mlSeverity(p) },
    detection: { method: 'ml', confidence: p, family, label: score.label },
  };
}

/**
 * Both layers flagged the flow. The rule names the attack: a rule says what it matched, while a
 * flow model only sees the shape of the traffic, so when the two disagree on the family the rule
 * is the better witness (the model's label stays in the signature text). The alert carries the
 * rule's sid, so an analyst can find the rule.
 */
export function hybridAlert(score: MlScoreRecord, hits: readonly SignatureHitRecord[], timeUs: number): AlertRecord {
  const mlFamily = familyOfScore(score);
  const isAnomaly = score.anomaly_score !== null;
  const hit = chooseHit(hits, isAnomaly ? null : mlFamily);
  const family = familyOfHit(hit);
  const label = labelOfHit(hit);
  return {
    alert_id: alertId(score.flow_id, 'hybrid', label),
    timestamp: formatEveTimestamp(timeUs),
    flow_id: score.flow_id,
    ...flowEndpoints(score),
    alert: {
      signature_id: hit.sid, rev: hit.rev, signature: `${hit.msg} + ML: ${score.label} (${modelName(score)})`,
      category: hit.classtype ?? family, severity: HYBRID_SEVERITY,
    },
    detection: { method: 'hybrid', confidence: hybridConfidence(score.confidence), family, label },
  };
}

/**
 * The hit a hybrid alert names: one of the model's family when there is one, then the most
 * severe rule (lowest priority), the earliest, the lowest gid:sid — an order that does not depend
 * on the order the hits arrived in.
 */
export function chooseHit(hits: readonly SignatureHitRecord[], family: AttackFamily | null): SignatureHitRecord {
  if (hits.length === 0) throw new RangeError('chooseHit needs at least one hit');
  const agreeing = family === null ? [] : hits.filter((h) => familyOfHit(h) === family);
  const candidates = agreeing.length > 0 ? agreeing : [...hits];
  return [...candidates].sort((a, b) => a.priority - b.priority || a.ts_us - b.ts_us || a.gid - b.gid || a.sid - b.sid)[0];
}

function modelName(score: Pick<MlScoreRecord, 'model' | 'model_version'>): string {
  return `${score.model} ${score.model_version}`;
}

function flowEndpoints(score: MlScoreRecord): Pick<AlertRecord, 'src_ip' | 'src_port' | 'dest_ip' | 'dest_port' | 'proto'> {
  return { src_ip: score.src_ip, src_port: score.src_port, dest_ip: score.dest_ip, dest_port: score.dest_port, proto: eveProto(score.proto) };
}
