// Plain record types for every topic. Field names match the Avro schemas in `schemas/`
// one for one, so a record is encoded without any mapping step.

export interface PacketRecord {
  ts_us: number;
  capture_id: string;
  seq: number;
  interface: string;
  link_type: number;
  original_length: number;
  data: Buffer;
}

export type FlowCloseReason = 'FIN' | 'RST' | 'IDLE' | 'ACTIVE' | 'END';

export interface FlowRecord {
  uid: string;
  flow_id: number;
  flow_key: string;
  ts_us: number;
  last_ts_us: number;
  duration_us: number;
  proto: string;
  ip_proto: number;
  vlan: number | null;
  orig_h: string;
  orig_p: number;
  resp_h: string;
  resp_p: number;
  service: string | null;
  orig_pkts: number;
  resp_pkts: number;
  orig_bytes: number;
  resp_bytes: number;
  orig_ip_bytes: number;
  resp_ip_bytes: number;
  orig_wire_bytes: number;
  resp_wire_bytes: number;
  conn_state: string;
  history: string;
  close_reason: FlowCloseReason;
}

export interface FeatureVectorRecord {
  flow_uid: string;
  flow_id: number;
  ts_us: number;
  feature_schema: string;
  values: number[];
}

export interface SignatureHitRecord {
  ts_us: number;
  flow_id: number;
  flow_key: string;
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  proto: string;
  gid: number;
  sid: number;
  rev: number;
  msg: string;
  classtype: string | null;
  priority: number;
  family: string | null;
  label: string | null;
}

export interface MlScoreRecord {
  ts_us: number;
  flow_uid: string;
  flow_id: number;
  model: string;
  model_version: string;
  shadow: boolean;
  label: string;
  family: string;
  confidence: number;
  anomaly_score: number | null;
}

export type DetectionMethod = 'signature' | 'ml' | 'hybrid';
export type AttackFamily = 'dos' | 'scan' | 'web' | 'bruteforce' | 'malware' | 'anomaly';

export interface AlertRecord {
  alert_id: string;
  timestamp: string;
  flow_id: number;
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  proto: string;
  alert: { signature_id: number; rev: number; signature: string; category: string; severity: number };
  detection: { method: DetectionMethod; confidence: number; family: AttackFamily; label: string };
}

export interface DeadLetterRecord {
  ts_us: number;
  stage: string;
  source_topic: string;
  source_partition: number;
  source_offset: number;
  error_code: string;
  reason: string;
  key: Buffer | null;
  value: Buffer | null;
}
