import type { FlowRecord, FlowStats } from '@ids/contracts';
import { flagCode, protocolCode, serviceCode } from './kdd-codes';

export type FeatureValues = Record<string, number>;

const US_PER_S = 1_000_000;

/** Per-second rate over the flow's duration; 0 for a zero duration, as a rate is then undefined. */
function perSecond(amount: number, durationUs: number): number {
  return durationUs > 0 ? (amount * US_PER_S) / durationUs : 0;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/**
 * The features one flow record determines on its own: CICFlowMeter's set and NSL-KDD's basic
 * features. A record without statistics (written before they existed) gives zeros for them.
 */
export function flowFeatures(flow: FlowRecord): FeatureValues {
  // Named reads, not a lookup helper taking the name: ~50 lookups by name per flow cost more than
  // the rest of this function.
  const s: Partial<FlowStats> = flow.stats ?? {};
  const pkts = flow.orig_pkts + flow.resp_pkts;
  const bytes = flow.orig_bytes + flow.resp_bytes;
  const d = flow.duration_us;
  return {
    dst_port: flow.resp_p,
    ip_proto: flow.ip_proto,
    flow_duration: d,
    tot_fwd_pkts: flow.orig_pkts,
    tot_bwd_pkts: flow.resp_pkts,
    totlen_fwd_pkts: flow.orig_bytes,
    totlen_bwd_pkts: flow.resp_bytes,
    fwd_pkt_len_max: s.fwd_pkt_len_max ?? 0,
    fwd_pkt_len_min: s.fwd_pkt_len_min ?? 0,
    fwd_pkt_len_mean: s.fwd_pkt_len_mean ?? 0,
    fwd_pkt_len_std: s.fwd_pkt_len_std ?? 0,
    bwd_pkt_len_max: s.bwd_pkt_len_max ?? 0,
    bwd_pkt_len_min: s.bwd_pkt_len_min ?? 0,
    bwd_pkt_len_mean: s.bwd_pkt_len_mean ?? 0,
    bwd_pkt_len_std: s.bwd_pkt_len_std ?? 0,
    flow_bytes_s: perSecond(bytes, d),
    flow_pkts_s: perSecond(pkts, d),
    flow_iat_mean: s.flow_iat_mean ?? 0,
    flow_iat_std: s.flow_iat_std ?? 0,
    flow_iat_max: s.flow_iat_max ?? 0,
    flow_iat_min: s.flow_iat_min ?? 0,
    fwd_iat_tot: s.fwd_iat_total ?? 0,
    fwd_iat_mean: s.fwd_iat_mean ?? 0,
    fwd_iat_std: s.fwd_iat_std ?? 0,
    fwd_iat_max: s.fwd_iat_max ?? 0,
    fwd_iat_min: s.fwd_iat_min ?? 0,
    bwd_iat_tot: s.bwd_iat_total ?? 0,
    bwd_iat_mean: s.bwd_iat_mean ?? 0,
    bwd_iat_std: s.bwd_iat_std ?? 0,
    bwd_iat_max: s.bwd_iat_max ?? 0,
    bwd_iat_min: s.bwd_iat_min ?? 0,
    fwd_psh_flags: s.fwd_psh_flags ?? 0,
    bwd_psh_flags: s.bwd_psh_flags ?? 0,
    fwd_urg_flags: s.fwd_urg_flags ?? 0,
    bwd_urg_flags: s.bwd_urg_flags ?? 0,
    fwd_header_len: s.fwd_header_bytes ?? 0,
    bwd_header_len: s.bwd_header_bytes ?? 0,
    fwd_pkts_s: perSecond(flow.orig_pkts, d),
    bwd_pkts_s: perSecond(flow.resp_pkts, d),
    pkt_len_min: s.pkt_len_min ?? 0,
    pkt_len_max: s.pkt_len_max ?? 0,
    pkt_len_mean: s.pkt_len_mean ?? 0,
    pkt_len_std: s.pkt_len_std ?? 0,
    pkt_len_var: s.pkt_len_var ?? 0,
    fin_flag_cnt: s.fin_flag_count ?? 0,
    syn_flag_cnt: s.syn_flag_count ?? 0,
    rst_flag_cnt: s.rst_flag_count ?? 0,
    psh_flag_cnt: s.psh_flag_count ?? 0,
    ack_flag_cnt: s.ack_flag_count ?? 0,
    urg_flag_cnt: s.urg_flag_count ?? 0,
    cwr_flag_cnt: s.cwr_flag_count ?? 0,
    ece_flag_cnt: s.ece_flag_count ?? 0,
    down_up_ratio: ratio(flow.resp_pkts, flow.orig_pkts),
    pkt_size_avg: ratio(bytes, pkts),
    fwd_seg_size_avg: ratio(flow.orig_bytes, flow.orig_pkts),
    bwd_seg_size_avg: ratio(flow.resp_bytes, flow.resp_pkts),
    fwd_byts_b_avg: s.fwd_bulk_bytes_avg ?? 0,
    fwd_pkts_b_avg: s.fwd_bulk_pkts_avg ?? 0,
    fwd_blk_rate_avg: s.fwd_bulk_rate_avg ?? 0,
    bwd_byts_b_avg: s.bwd_bulk_bytes_avg ?? 0,
    bwd_pkts_b_avg: s.bwd_bulk_pkts_avg ?? 0,
    bwd_blk_rate_avg: s.bwd_bulk_rate_avg ?? 0,
    subflow_fwd_pkts: s.subflow_fwd_pkts ?? 0,
    subflow_fwd_byts: s.subflow_fwd_bytes ?? 0,
    subflow_bwd_pkts: s.subflow_bwd_pkts ?? 0,
    subflow_bwd_byts: s.subflow_bwd_bytes ?? 0,
    init_fwd_win_byts: s.init_win_bytes_fwd ?? -1,
    init_bwd_win_byts: s.init_win_bytes_bwd ?? -1,
    fwd_act_data_pkts: s.fwd_act_data_pkts ?? 0,
    fwd_seg_size_min: s.fwd_seg_size_min ?? 0,
    active_mean: s.active_mean ?? 0,
    active_std: s.active_std ?? 0,
    active_max: s.active_max ?? 0,
    active_min: s.active_min ?? 0,
    idle_mean: s.idle_mean ?? 0,
    idle_std: s.idle_std ?? 0,
    idle_max: s.idle_max ?? 0,
    idle_min: s.idle_min ?? 0,
    duration: d / US_PER_S,
    protocol_type: protocolCode(flow.proto),
    service: serviceCode(flow.service),
    flag: flagCode(flow.conn_state),
    src_bytes: flow.orig_bytes,
    dst_bytes: flow.resp_bytes,
    land: flow.orig_h === flow.resp_h && flow.orig_p === flow.resp_p ? 1 : 0,
    wrong_fragment: 0,
    urgent: s.urg_flag_count ?? 0,
  };
}
