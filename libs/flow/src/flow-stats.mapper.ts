import type { FlowStats } from '@ids/contracts';
import type { BulkState, FlowStatsState } from './flow-stats.accumulator';
import { addToStat, mergeStats, statStd, statVariance, type RunningStat } from './running-stat';

const US_PER_S = 1_000_000;

/**
 * The FlowStats of a flow's accumulated statistics. The active period still open when the flow
 * ends is counted (CICFlowMeter's endActiveIdleTime), on a copy: `s` is not changed.
 */
export function toFlowStats(s: FlowStatsState): FlowStats {
  let active: RunningStat = s.active;
  if (s.activeEndUs - s.activeStartUs > 0) {
    active = { ...s.active };
    addToStat(active, s.activeEndUs - s.activeStartUs);
  }
  const len = mergeStats(s.fwdLen, s.bwdLen);
  const fwdPkts = s.fwdLen.n;
  const bwdPkts = s.bwdLen.n;
  return {
    fwd_pkt_len_min: s.fwdLen.min,
    fwd_pkt_len_max: s.fwdLen.max,
    fwd_pkt_len_mean: s.fwdLen.mean,
    fwd_pkt_len_std: statStd(s.fwdLen),
    bwd_pkt_len_min: s.bwdLen.min,
    bwd_pkt_len_max: s.bwdLen.max,
    bwd_pkt_len_mean: s.bwdLen.mean,
    bwd_pkt_len_std: statStd(s.bwdLen),
    pkt_len_min: len.min,
    pkt_len_max: len.max,
    pkt_len_mean: len.mean,
    pkt_len_std: statStd(len),
    pkt_len_var: statVariance(len),
    flow_iat_mean: s.flowIat.mean,
    flow_iat_std: statStd(s.flowIat),
    flow_iat_max: s.flowIat.max,
    flow_iat_min: s.flowIat.min,
    fwd_iat_total: s.fwdIat.sum,
    fwd_iat_mean: s.fwdIat.mean,
    fwd_iat_std: statStd(s.fwdIat),
    fwd_iat_max: s.fwdIat.max,
    fwd_iat_min: s.fwdIat.min,
    bwd_iat_total: s.bwdIat.sum,
    bwd_iat_mean: s.bwdIat.mean,
    bwd_iat_std: statStd(s.bwdIat),
    bwd_iat_max: s.bwdIat.max,
    bwd_iat_min: s.bwdIat.min,
    fwd_psh_flags: s.fwdPsh,
    bwd_psh_flags: s.bwdPsh,
    fwd_urg_flags: s.fwdUrg,
    bwd_urg_flags: s.bwdUrg,
    fin_flag_count: s.fin,
    syn_flag_count: s.syn,
    rst_flag_count: s.rst,
    psh_flag_count: s.psh,
    ack_flag_count: s.ack,
    urg_flag_count: s.urg,
    cwr_flag_count: s.cwr,
    ece_flag_count: s.ece,
    fwd_header_bytes: s.fwdHeaderBytes,
    bwd_header_bytes: s.bwdHeaderBytes,
    fwd_bulk_bytes_avg: bulkBytesAvg(s.fwdBulk),
    fwd_bulk_pkts_avg: bulkPktsAvg(s.fwdBulk),
    fwd_bulk_rate_avg: bulkRate(s.fwdBulk),
    bwd_bulk_bytes_avg: bulkBytesAvg(s.bwdBulk),
    bwd_bulk_pkts_avg: bulkPktsAvg(s.bwdBulk),
    bwd_bulk_rate_avg: bulkRate(s.bwdBulk),
    subflow_fwd_pkts: fwdPkts / s.subflows,
    subflow_fwd_bytes: s.fwdLen.sum / s.subflows,
    subflow_bwd_pkts: bwdPkts / s.subflows,
    subflow_bwd_bytes: s.bwdLen.sum / s.subflows,
    init_win_bytes_fwd: s.initWinFwd,
    init_win_bytes_bwd: s.initWinBwd,
    fwd_act_data_pkts: s.fwdActData,
    fwd_seg_size_min: s.fwdSegSizeMin,
    active_mean: active.mean,
    active_std: statStd(active),
    active_max: active.max,
    active_min: active.min,
    idle_mean: s.idle.mean,
    idle_std: statStd(s.idle),
    idle_max: s.idle.max,
    idle_min: s.idle.min,
  };
}

function bulkBytesAvg(b: BulkState): number {
  return b.count === 0 ? 0 : b.bytes / b.count;
}

function bulkPktsAvg(b: BulkState): number {
  return b.count === 0 ? 0 : b.pkts / b.count;
}

/** Bulk bytes per second of bulk duration; 0 without bulk time. */
function bulkRate(b: BulkState): number {
  return b.durationUs === 0 ? 0 : b.bytes / (b.durationUs / US_PER_S);
}
