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
  /** CICFlowMeter statistics; null when they were not measured (a flow restored from an older state). */
  stats: FlowStats | null;
}

/**
 * CICFlowMeter statistics of one flow (meanings in schemas/flow.avsc, record FlowStats). fwd =
 * initiator to responder, bwd = the reverse; lengths are transport payload bytes; times are
 * microseconds; std is the sample standard deviation (0 below two values).
 */
export interface FlowStats {
  fwd_pkt_len_min: number;
  fwd_pkt_len_max: number;
  fwd_pkt_len_mean: number;
  fwd_pkt_len_std: number;
  bwd_pkt_len_min: number;
  bwd_pkt_len_max: number;
  bwd_pkt_len_mean: number;
  bwd_pkt_len_std: number;
  pkt_len_min: number;
  pkt_len_max: number;
  pkt_len_mean: number;
  pkt_len_std: number;
  pkt_len_var: number;
  flow_iat_mean: number;
  flow_iat_std: number;
  flow_iat_max: number;
  flow_iat_min: number;
  fwd_iat_total: number;
  fwd_iat_mean: number;
  fwd_iat_std: number;
  fwd_iat_max: number;
  fwd_iat_min: number;
  bwd_iat_total: number;
  bwd_iat_mean: number;
  bwd_iat_std: number;
  bwd_iat_max: number;
  bwd_iat_min: number;
  fwd_psh_flags: number;
  bwd_psh_flags: number;
  fwd_urg_flags: number;
  bwd_urg_flags: number;
  fin_flag_count: number;
  syn_flag_count: number;
  rst_flag_count: number;
  psh_flag_count: number;
  ack_flag_count: number;
  urg_flag_count: number;
  cwr_flag_count: number;
  ece_flag_count: number;
  fwd_header_bytes: number;
  bwd_header_bytes: number;
  fwd_bulk_bytes_avg: number;
  fwd_bulk_pkts_avg: number;
  fwd_bulk_rate_avg: number;
  bwd_bulk_bytes_avg: number;
  bwd_bulk_pkts_avg: number;
  bwd_bulk_rate_avg: number;
  subflow_fwd_pkts: number;
  subflow_fwd_bytes: number;
  subflow_bwd_pkts: number;
  subflow_bwd_bytes: number;
  init_win_bytes_fwd: number;
  init_win_bytes_bwd: number;
  fwd_act_data_pkts: number;
  fwd_seg_size_min: number;
  active_mean: number;
  active_std: number;
  active_max: number;
  active_min: number;
  idle_mean: number;
  idle_std: number;
  idle_max: number;
  idle_min: number;
}

export interface FeatureVectorRecord {
  flow_uid: string;
  flow_id: number;
  ts_us: number;
  feature_schema: string;
  values: number[];
  /** The flow's endpoints (initiator first), so consumers need not join with ids.flows.v1. */
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  proto: string;
}

/** A feature vector under construction on the features stage's repartition topics. */
export interface FeatureWorkRecord {
  flow_key: string;
  flow_uid: string;
  flow_id: number;
  ts_us: number;
  end_us: number;
  orig_h: string;
  orig_p: number;
  resp_h: string;
  resp_p: number;
  proto: string;
  service: string;
  serror: boolean;
  rerror: boolean;
  features: Record<string, number>;
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
  /** The flow's endpoints (initiator first), so consumers need not join with ids.flows.v1. */
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  proto: string;
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
