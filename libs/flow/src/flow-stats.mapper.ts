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
  const s = blankFlowStats();
  s.fwd_pkt_len_min = d[o + L.FWD_LEN + STAT_MIN];
  s.fwd_pkt_len_max = d[o + L.FWD_LEN + STAT_MAX];
  s.fwd_pkt_len_mean = d[o + L.FWD_LEN + STAT_MEAN];
  s.fwd_pkt_len_std = statStdAt(d, o + L.FWD_LEN);
  s.bwd_pkt_len_min = d[o + L.BWD_LEN + STAT_MIN];
  s.bwd_pkt_len_max = d[o + L.BWD_LEN + STAT_MAX];
  s.bwd_pkt_len_mean = d[o + L.BWD_LEN + STAT_MEAN];
  s.bwd_pkt_len_std = statStdAt(d, o + L.BWD_LEN);
  s.pkt_len_min = scratch[LEN + STAT_MIN];
  s.pkt_len_max = scratch[LEN + STAT_MAX];
  s.pkt_len_mean = scratch[LEN + STAT_MEAN];
  s.pkt_len_std = statStdAt(scratch, LEN);
  s.pkt_len_var = statVarianceAt(scratch, LEN);
  s.flow_iat_mean = d[o + L.FLOW_IAT + STAT_MEAN];
  s.flow_iat_std = statStdAt(d, o + L.FLOW_IAT);
  s.flow_iat_max = d[o + L.FLOW_IAT + STAT_MAX];
  s.flow_iat_min = d[o + L.FLOW_IAT + STAT_MIN];
  s.fwd_iat_total = d[o + L.FWD_IAT + STAT_SUM];
  s.fwd_iat_mean = d[o + L.FWD_IAT + STAT_MEAN];
  s.fwd_iat_std = statStdAt(d, o + L.FWD_IAT);
  s.fwd_iat_max = d[o + L.FWD_IAT + STAT_MAX];
  s.fwd_iat_min = d[o + L.FWD_IAT + STAT_MIN];
  s.bwd_iat_total = d[o + L.BWD_IAT + STAT_SUM];
  s.bwd_iat_mean = d[o + L.BWD_IAT + STAT_MEAN];
  s.bwd_iat_std = statStdAt(d, o + L.BWD_IAT);
  s.bwd_iat_max = d[o + L.BWD_IAT + STAT_MAX];
  s.bwd_iat_min = d[o + L.BWD_IAT + STAT_MIN];
  s.fwd_psh_flags = d[o + L.FWD_PSH];
  s.bwd_psh_flags = d[o + L.BWD_PSH];
  s.fwd_urg_flags = d[o + L.FWD_URG];
  s.bwd_urg_flags = d[o + L.BWD_URG];
  s.fin_flag_count = d[o + L.FIN_COUNT];
  s.syn_flag_count = d[o + L.SYN_COUNT];
  s.rst_flag_count = d[o + L.RST_COUNT];
  s.psh_flag_count = d[o + L.PSH_COUNT];
  s.ack_flag_count = d[o + L.ACK_COUNT];
  s.urg_flag_count = d[o + L.URG_COUNT];
  s.cwr_flag_count = d[o + L.CWR_COUNT];
  s.ece_flag_count = d[o + L.ECE_COUNT];
  s.fwd_header_bytes = d[o + L.FWD_HEADER_BYTES];
  s.bwd_header_bytes = d[o + L.BWD_HEADER_BYTES];
  s.fwd_bulk_bytes_avg = bulkBytesAvg(d, o + L.FWD_BULK);
  s.fwd_bulk_pkts_avg = bulkPktsAvg(d, o + L.FWD_BULK);
  s.fwd_bulk_rate_avg = bulkRate(d, o + L.FWD_BULK);
  s.bwd_bulk_bytes_avg = bulkBytesAvg(d, o + L.BWD_BULK);
  s.bwd_bulk_pkts_avg = bulkPktsAvg(d, o + L.BWD_BULK);
  s.bwd_bulk_rate_avg = bulkRate(d, o + L.BWD_BULK);
  s.subflow_fwd_pkts = d[o + L.FWD_LEN] / subflows;
  s.subflow_fwd_bytes = d[o + L.FWD_LEN + STAT_SUM] / subflows;
  s.subflow_bwd_pkts = d[o + L.BWD_LEN] / subflows;
  s.subflow_bwd_bytes = d[o + L.BWD_LEN + STAT_SUM] / subflows;
  s.init_win_bytes_fwd = d[o + L.INIT_WIN_FWD];
  s.init_win_bytes_bwd = d[o + L.INIT_WIN_BWD];
  s.fwd_act_data_pkts = d[o + L.FWD_ACT_DATA];
  s.fwd_seg_size_min = d[o + L.FWD_SEG_SIZE_MIN];
  s.active_mean = active[a + STAT_MEAN];
  s.active_std = statStdAt(active, a);
  s.active_max = active[a + STAT_MAX];
  s.active_min = active[a + STAT_MIN];
  s.idle_mean = d[o + L.IDLE + STAT_MEAN];
  s.idle_std = statStdAt(d, o + L.IDLE);
  s.idle_max = d[o + L.IDLE + STAT_MAX];
  s.idle_min = d[o + L.IDLE + STAT_MIN];
  return s;
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

/**
 * A FlowStats with every field null (each set next), so that V8 keeps its fields as tagged values:
 * a field that only ever held numbers is a double field, a heap box per value, and a record's
 * 63 boxes were half of all that the flow path allocated. Tagged, an integer value (most of them:
 * counts, lengths, microseconds) is stored as it is and only a fraction is boxed. The fields are
 * in the order of the FlowStats schema, which its JSON keeps.
 */
function blankFlowStats(): FlowStats {
  return {
    fwd_pkt_len_min: TAGGED, fwd_pkt_len_max: TAGGED, fwd_pkt_len_mean: TAGGED, fwd_pkt_len_std: TAGGED, bwd_pkt_len_min: TAGGED,
    bwd_pkt_len_max: TAGGED, bwd_pkt_len_mean: TAGGED, bwd_pkt_len_std: TAGGED, pkt_len_min: TAGGED, pkt_len_max: TAGGED,
    pkt_len_mean: TAGGED, pkt_len_std: TAGGED, pkt_len_var: TAGGED, flow_iat_mean: TAGGED, flow_iat_std: TAGGED,
    flow_iat_max: TAGGED, flow_iat_min: TAGGED, fwd_iat_total: TAGGED, fwd_iat_mean: TAGGED, fwd_iat_std: TAGGED,
    fwd_iat_max: TAGGED, fwd_iat_min: TAGGED, bwd_iat_total: TAGGED, bwd_iat_mean: TAGGED, bwd_iat_std: TAGGED,
    bwd_iat_max: TAGGED, bwd_iat_min: TAGGED, fwd_psh_flags: TAGGED, bwd_psh_flags: TAGGED, fwd_urg_flags: TAGGED,
    bwd_urg_flags: TAGGED, fin_flag_count: TAGGED, syn_flag_count: TAGGED, rst_flag_count: TAGGED, psh_flag_count: TAGGED,
    ack_flag_count: TAGGED, urg_flag_count: TAGGED, cwr_flag_count: TAGGED, ece_flag_count: TAGGED, fwd_header_bytes: TAGGED,
    bwd_header_bytes: TAGGED, fwd_bulk_bytes_avg: TAGGED, fwd_bulk_pkts_avg: TAGGED, fwd_bulk_rate_avg: TAGGED,
    bwd_bulk_bytes_avg: TAGGED, bwd_bulk_pkts_avg: TAGGED, bwd_bulk_rate_avg: TAGGED, subflow_fwd_pkts: TAGGED,
    subflow_fwd_bytes: TAGGED, subflow_bwd_pkts: TAGGED, subflow_bwd_bytes: TAGGED, init_win_bytes_fwd: TAGGED,
    init_win_bytes_bwd: TAGGED, fwd_act_data_pkts: TAGGED, fwd_seg_size_min: TAGGED, active_mean: TAGGED, active_std: TAGGED,
    active_max: TAGGED, active_min: TAGGED, idle_mean: TAGGED, idle_std: TAGGED, idle_max: TAGGED, idle_min: TAGGED,
  };
}

/** Not a number: see blankFlowStats. */
const TAGGED = null as never;
