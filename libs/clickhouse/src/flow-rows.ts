import type { FlowRecord, FlowStats } from '@ids/contracts';

/**
 * A row of the `flows` table (migrations/0001_flows.sql, 0004_flow_stats.sql): the FlowRecord's
 * fields plus `ts`, with the fields of `stats` as columns of their own (0 when stats is null).
 */
export type FlowRow = FlowStats & {
  uid: string;
  flow_id: number;
  flow_key: string;
  ts_us: number;
  last_ts_us: number;
  duration_us: number;
  /** Flow start in whole seconds since the epoch (the DateTime partition and filter column). */
  ts: number;
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
  close_reason: string;
};

/** The stats columns of a flow without statistics (what the columns' DEFAULT 0 also gives). */
export const ZERO_FLOW_STATS: Readonly<FlowStats> = Object.freeze({
  fwd_pkt_len_min: 0,
  fwd_pkt_len_max: 0,
  fwd_pkt_len_mean: 0,
  fwd_pkt_len_std: 0,
  bwd_pkt_len_min: 0,
  bwd_pkt_len_max: 0,
  bwd_pkt_len_mean: 0,
  bwd_pkt_len_std: 0,
  pkt_len_min: 0,
  pkt_len_max: 0,
  pkt_len_mean: 0,
  pkt_len_std: 0,
  pkt_len_var: 0,
  flow_iat_mean: 0,
  flow_iat_std: 0,
  flow_iat_max: 0,
  flow_iat_min: 0,
  fwd_iat_total: 0,
  fwd_iat_mean: 0,
  fwd_iat_std: 0,
  fwd_iat_max: 0,
  fwd_iat_min: 0,
  bwd_iat_total: 0,
  bwd_iat_mean: 0,
  bwd_iat_std: 0,
  bwd_iat_max: 0,
  bwd_iat_min: 0,
  fwd_psh_flags: 0,
  bwd_psh_flags: 0,
  fwd_urg_flags: 0,
  bwd_urg_flags: 0,
  fin_flag_count: 0,
  syn_flag_count: 0,
  rst_flag_count: 0,
  psh_flag_count: 0,
  ack_flag_count: 0,
  urg_flag_count: 0,
  cwr_flag_count: 0,
  ece_flag_count: 0,
  fwd_header_bytes: 0,
  bwd_header_bytes: 0,
  fwd_bulk_bytes_avg: 0,
  fwd_bulk_pkts_avg: 0,
  fwd_bulk_rate_avg: 0,
  bwd_bulk_bytes_avg: 0,
  bwd_bulk_pkts_avg: 0,
  bwd_bulk_rate_avg: 0,
  subflow_fwd_pkts: 0,
  subflow_fwd_bytes: 0,
  subflow_bwd_pkts: 0,
  subflow_bwd_bytes: 0,
  init_win_bytes_fwd: 0,
  init_win_bytes_bwd: 0,
  fwd_act_data_pkts: 0,
  fwd_seg_size_min: 0,
  active_mean: 0,
  active_std: 0,
  active_max: 0,
  active_min: 0,
  idle_mean: 0,
  idle_std: 0,
  idle_max: 0,
  idle_min: 0,
});

/**
 * FlowRecord → `flows` row. Every field is kept as it is; `ts` is derived from `ts_us`; the
 * fields of `stats` become columns (all 0 when stats is null).
 */
export function toFlowRow(flow: FlowRecord): FlowRow {
  return {
    ...(flow.stats ?? ZERO_FLOW_STATS),
    uid: flow.uid,
    flow_id: flow.flow_id,
    flow_key: flow.flow_key,
    ts_us: flow.ts_us,
    last_ts_us: flow.last_ts_us,
    duration_us: flow.duration_us,
    ts: Math.floor(flow.ts_us / 1_000_000),
    proto: flow.proto,
    ip_proto: flow.ip_proto,
    vlan: flow.vlan,
    orig_h: flow.orig_h,
    orig_p: flow.orig_p,
    resp_h: flow.resp_h,
    resp_p: flow.resp_p,
    service: flow.service,
    orig_pkts: flow.orig_pkts,
    resp_pkts: flow.resp_pkts,
    orig_bytes: flow.orig_bytes,
    resp_bytes: flow.resp_bytes,
    orig_ip_bytes: flow.orig_ip_bytes,
    resp_ip_bytes: flow.resp_ip_bytes,
    orig_wire_bytes: flow.orig_wire_bytes,
    resp_wire_bytes: flow.resp_wire_bytes,
    conn_state: flow.conn_state,
    history: flow.history,
    close_reason: flow.close_reason,
  };
}
