import type { FlowRecord, FlowStats } from '@ids/contracts';
import { flagCode, protocolCode, serviceCode } from './kdd-codes';

export type FeatureValues = Record<string, number>;

const US_PER_S = 1_000_000;
const URG_FLAG = 'urg_flag_count';

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
  const s: Partial<FlowStats> = flow.stats ?? {};
  const n = (k: keyof FlowStats, fallback = 0) => s[k] ?? fallback;
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
    fwd_pkt_len_max: n('fwd_pkt_len_max'),
    fwd_pkt_len_min: n('fwd_pkt_len_min'),
    fwd_pkt_len_mean: n('fwd_pkt_len_mean'),
    fwd_pkt_len_std: n('fwd_pkt_len_std'),
    bwd_pkt_len_max: n('bwd_pkt_len_max'),
    bwd_pkt_len_min: n('bwd_pkt_len_min'),
    bwd_pkt_len_mean: n('bwd_pkt_len_mean'),
    bwd_pkt_len_std: n('bwd_pkt_len_std'),
    flow_bytes_s: perSecond(bytes, d),
    flow_pkts_s: perSecond(pkts, d),
    flow_iat_mean: n('flow_iat_mean'),
    flow_iat_std: n('flow_iat_std'),
    flow_iat_max: n('flow_iat_max'),
    flow_iat_min: n('flow_iat_min'),
    fwd_iat_tot: n('fwd_iat_total'),
    fwd_iat_mean: n('fwd_iat_mean'),
    fwd_iat_std: n('fwd_iat_std'),
    fwd_iat_max: n('fwd_iat_max'),
    fwd_iat_min: n('fwd_iat_min'),
    bwd_iat_tot: n('bwd_iat_total'),
    bwd_iat_mean: n('bwd_iat_mean'),
    bwd_iat_std: n('bwd_iat_std'),
    bwd_iat_max: n('bwd_iat_max'),
    bwd_iat_min: n('bwd_iat_min'),
    fwd_psh_flags: n('fwd_psh_flags'),
    bwd_psh_flags: n('bwd_psh_flags'),
    fwd_urg_flags: n('fwd_urg_flags'),
    bwd_urg_flags: n('bwd_urg_flags'),
    fwd_header_len: n('fwd_header_bytes'),
    bwd_header_len: n('bwd_header_bytes'),
    fwd_pkts_s: perSecond(flow.orig_pkts, d),
    bwd_pkts_s: perSecond(flow.resp_pkts, d),
    pkt_len_min: n('pkt_len_min'),
    pkt_len_max: n('pkt_len_max'),
    pkt_len_mean: n('pkt_len_mean'),
    pkt_len_std: n('pkt_len_std'),
    pkt_len_var: n('pkt_len_var'),
    fin_flag_cnt: n('fin_flag_count'),
    syn_flag_cnt: n('syn_flag_count'),
    rst_flag_cnt: n('rst_flag_count'),
    psh_flag_cnt: n('psh_flag_count'),
    ack_flag_cnt: n('ack_flag_count'),
    urg_flag_cnt: n(URG_FLAG),
    cwr_flag_cnt: n('cwr_flag_count'),
    ece_flag_cnt: n('ece_flag_count'),
    down_up_ratio: ratio(flow.resp_pkts, flow.orig_pkts),
    pkt_size_avg: ratio(bytes, pkts),
    fwd_seg_size_avg: ratio(flow.orig_bytes, flow.orig_pkts),
    bwd_seg_size_avg: ratio(flow.resp_bytes, flow.resp_pkts),
    fwd_byts_b_avg: n('fwd_bulk_bytes_avg'),
    fwd_pkts_b_avg: n('fwd_bulk_pkts_avg'),
    fwd_blk_rate_avg: n('fwd_bulk_rate_avg'),
    bwd_byts_b_avg: n('bwd_bulk_bytes_avg'),
    bwd_pkts_b_avg: n('bwd_bulk_pkts_avg'),
    bwd_blk_rate_avg: n('bwd_bulk_rate_avg'),
    subflow_fwd_pkts: n('subflow_fwd_pkts'),
    subflow_fwd_byts: n('subflow_fwd_bytes'),
    subflow_bwd_pkts: n('subflow_bwd_pkts'),
    subflow_bwd_byts: n('subflow_bwd_bytes'),
    init_fwd_win_byts: n('init_win_bytes_fwd', -1),
    init_bwd_win_byts: n('init_win_bytes_bwd', -1),
    fwd_act_data_pkts: n('fwd_act_data_pkts'),
    fwd_seg_size_min: n('fwd_seg_size_min'),
    active_mean: n('active_mean'),
    active_std: n('active_std'),
    active_max: n('active_max'),
    active_min: n('active_min'),
    idle_mean: n('idle_mean'),
    idle_std: n('idle_std'),
    idle_max: n('idle_max'),
    idle_min: n('idle_min'),
    duration: d / US_PER_S,
    protocol_type: protocolCode(flow.proto),
    service: serviceCode(flow.service),
    flag: flagCode(flow.conn_state),
    src_bytes: flow.orig_bytes,
    dst_bytes: flow.resp_bytes,
    land: flow.orig_h === flow.resp_h && flow.orig_p === flow.resp_p ? 1 : 0,
    wrong_fragment: 0,
    urgent: n(URG_FLAG),
  };
}
