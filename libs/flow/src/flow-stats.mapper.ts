import type { FlowStats } from '@ids/contracts';
import * as L from './flow-entry.layout';
import { STAT_MAX, STAT_MEAN, STAT_MIN, STAT_SIZE, STAT_SUM, addToStatAt, copyStatAt, mergeStatsAt, statStdAt, statVarianceAt } from './running-stat';

const US_PER_S = 1_000_000;

/** Scratch for the statistics made at emission: the open active period added, both directions merged. */
const scratch = new Float64Array(2 * STAT_SIZE);
const ACTIVE = 0;
const LEN = STAT_SIZE;

/**
 * The FlowStats of a flow's accumulated statistics (the numbers of its FlowEntry). The active
 * period still open when the flow ends is counted (CICFlowMeter's endActiveIdleTime), on a copy:
 * `d` is not changed.
 */
export function toFlowStats(d: Float64Array, o: number): FlowStats {
  let active = d;
  let a = o + L.ACTIVE;
  const open = d[o + L.ACTIVE_END_US] - d[o + L.ACTIVE_START_US];
  if (open > 0) {
    copyStatAt(d, o + L.ACTIVE, scratch, ACTIVE);
    addToStatAt(scratch, ACTIVE, open);
    active = scratch;
    a = ACTIVE;
  }
  mergeStatsAt(d, o + L.FWD_LEN, o + L.BWD_LEN, scratch, LEN);
  const subflows = d[o + L.SUBFLOWS];
  return {
    fwd_pkt_len_min: d[o + L.FWD_LEN + STAT_MIN],
    fwd_pkt_len_max: d[o + L.FWD_LEN + STAT_MAX],
    fwd_pkt_len_mean: d[o + L.FWD_LEN + STAT_MEAN],
    fwd_pkt_len_std: statStdAt(d, o + L.FWD_LEN),
    bwd_pkt_len_min: d[o + L.BWD_LEN + STAT_MIN],
    bwd_pkt_len_max: d[o + L.BWD_LEN + STAT_MAX],
    bwd_pkt_len_mean: d[o + L.BWD_LEN + STAT_MEAN],
    bwd_pkt_len_std: statStdAt(d, o + L.BWD_LEN),
    pkt_len_min: scratch[LEN + STAT_MIN],
    pkt_len_max: scratch[LEN + STAT_MAX],
    pkt_len_mean: scratch[LEN + STAT_MEAN],
    pkt_len_std: statStdAt(scratch, LEN),
    pkt_len_var: statVarianceAt(scratch, LEN),
    flow_iat_mean: d[o + L.FLOW_IAT + STAT_MEAN],
    flow_iat_std: statStdAt(d, o + L.FLOW_IAT),
    flow_iat_max: d[o + L.FLOW_IAT + STAT_MAX],
    flow_iat_min: d[o + L.FLOW_IAT + STAT_MIN],
    fwd_iat_total: d[o + L.FWD_IAT + STAT_SUM],
    fwd_iat_mean: d[o + L.FWD_IAT + STAT_MEAN],
    fwd_iat_std: statStdAt(d, o + L.FWD_IAT),
    fwd_iat_max: d[o + L.FWD_IAT + STAT_MAX],
    fwd_iat_min: d[o + L.FWD_IAT + STAT_MIN],
    bwd_iat_total: d[o + L.BWD_IAT + STAT_SUM],
    bwd_iat_mean: d[o + L.BWD_IAT + STAT_MEAN],
    bwd_iat_std: statStdAt(d, o + L.BWD_IAT),
    bwd_iat_max: d[o + L.BWD_IAT + STAT_MAX],
    bwd_iat_min: d[o + L.BWD_IAT + STAT_MIN],
    fwd_psh_flags: d[o + L.FWD_PSH],
    bwd_psh_flags: d[o + L.BWD_PSH],
    fwd_urg_flags: d[o + L.FWD_URG],
    bwd_urg_flags: d[o + L.BWD_URG],
    fin_flag_count: d[o + L.FIN_COUNT],
    syn_flag_count: d[o + L.SYN_COUNT],
    rst_flag_count: d[o + L.RST_COUNT],
    psh_flag_count: d[o + L.PSH_COUNT],
    ack_flag_count: d[o + L.ACK_COUNT],
    urg_flag_count: d[o + L.URG_COUNT],
    cwr_flag_count: d[o + L.CWR_COUNT],
    ece_flag_count: d[o + L.ECE_COUNT],
    fwd_header_bytes: d[o + L.FWD_HEADER_BYTES],
    bwd_header_bytes: d[o + L.BWD_HEADER_BYTES],
    fwd_bulk_bytes_avg: bulkBytesAvg(d, o + L.FWD_BULK),
    fwd_bulk_pkts_avg: bulkPktsAvg(d, o + L.FWD_BULK),
    fwd_bulk_rate_avg: bulkRate(d, o + L.FWD_BULK),
    bwd_bulk_bytes_avg: bulkBytesAvg(d, o + L.BWD_BULK),
    bwd_bulk_pkts_avg: bulkPktsAvg(d, o + L.BWD_BULK),
    bwd_bulk_rate_avg: bulkRate(d, o + L.BWD_BULK),
    subflow_fwd_pkts: d[o + L.FWD_LEN] / subflows,
    subflow_fwd_bytes: d[o + L.FWD_LEN + STAT_SUM] / subflows,
    subflow_bwd_pkts: d[o + L.BWD_LEN] / subflows,
    subflow_bwd_bytes: d[o + L.BWD_LEN + STAT_SUM] / subflows,
    init_win_bytes_fwd: d[o + L.INIT_WIN_FWD],
    init_win_bytes_bwd: d[o + L.INIT_WIN_BWD],
    fwd_act_data_pkts: d[o + L.FWD_ACT_DATA],
    fwd_seg_size_min: d[o + L.FWD_SEG_SIZE_MIN],
    active_mean: active[a + STAT_MEAN],
    active_std: statStdAt(active, a),
    active_max: active[a + STAT_MAX],
    active_min: active[a + STAT_MIN],
    idle_mean: d[o + L.IDLE + STAT_MEAN],
    idle_std: statStdAt(d, o + L.IDLE),
    idle_max: d[o + L.IDLE + STAT_MAX],
    idle_min: d[o + L.IDLE + STAT_MIN],
  };
}

function bulkBytesAvg(d: Float64Array, o: number): number {
  const count = d[o + L.B_COUNT];
  return count === 0 ? 0 : d[o + L.B_BYTES] / count;
}

function bulkPktsAvg(d: Float64Array, o: number): number {
  const count = d[o + L.B_COUNT];
  return count === 0 ? 0 : d[o + L.B_PKTS] / count;
}

/** Bulk bytes per second of bulk duration; 0 without bulk time. */
function bulkRate(d: Float64Array, o: number): number {
  const durationUs = d[o + L.B_DURATION_US];
  return durationUs === 0 ? 0 : d[o + L.B_BYTES] / (durationUs / US_PER_S);
}
