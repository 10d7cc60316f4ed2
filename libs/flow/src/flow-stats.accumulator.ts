import * as L from './flow-entry.layout';
import { STAT_SIZE, addToStatAt, putStatAt, statAt, type RunningStat } from './running-stat';

/**
 * CICFlowMeter's per-flow statistics (BasicFlow.java), accumulated packet by packet in O(1)
 * numeric updates: nothing allocated per packet. This is their JSON form (in FlowState); an open
 * flow keeps them as numbers of its FlowEntry (flow-entry.layout.ts), which the functions below
 * work on.
 * fwd = sent by the initiator, bwd = by the responder; times in microseconds; -1 = "none yet".
 */
export interface FlowStatsState {
  /** Transport payload lengths, forward and backward (all packets: merged when the record is made). */
  fwdLen: RunningStat;
  bwdLen: RunningStat;
  /** Gaps between consecutive packets of the flow, of the forward and of the backward direction. */
  flowIat: RunningStat;
  fwdIat: RunningStat;
  bwdIat: RunningStat;
  /** Closed active periods and the idle gaps between them (activity timeout). */
  active: RunningStat;
  idle: RunningStat;
  lastUs: number;
  lastFwdUs: number;
  lastBwdUs: number;
  activeStartUs: number;
  activeEndUs: number;
  fwdPsh: number;
  bwdPsh: number;
  fwdUrg: number;
  bwdUrg: number;
  fin: number;
  syn: number;
  rst: number;
  psh: number;
  ack: number;
  urg: number;
  cwr: number;
  ece: number;
  fwdHeaderBytes: number;
  bwdHeaderBytes: number;
  initWinFwd: number;
  initWinBwd: number;
  fwdActData: number;
  fwdSegSizeMin: number;
  /** 1 + the gaps of more than 1 s between consecutive packets. */
  subflows: number;
  fwdBulk: BulkState;
  bwdBulk: BulkState;
}

/** CICFlowMeter's bulk detection for one direction. */
export interface BulkState {
  /** Start of the candidate run of data packets, or -1. */
  startUs: number;
  /** Time of the last data packet of the candidate run, or -1. */
  lastUs: number;
  runPkts: number;
  runBytes: number;
  /** Completed bulks (runs of >= BULK_MIN_PKTS) and their totals. */
  count: number;
  pkts: number;
  bytes: number;
  durationUs: number;
}

/** The fields of a packet the statistics read. */
export interface StatsPacket {
  readonly tsUs: number;
  readonly payloadLength: number;
  readonly tcpFlags: number;
  readonly tcpWindow: number;
  readonly transportHeaderLength: number;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;
const URG = 0x20;
const ECE = 0x40;
const CWR = 0x80;

/** CICFlowMeter: a new subflow after a gap of more than 1 s. */
export const SUBFLOW_GAP_US = 1_000_000;
/** CICFlowMeter: a bulk is >= 4 data packets in one direction, none more than 1 s after the previous, and no data from the other direction in between. */
export const BULK_MIN_PKTS = 4;
export const BULK_GAP_US = 1_000_000;

const RUNNING = [L.FWD_LEN, L.BWD_LEN, L.FLOW_IAT, L.FWD_IAT, L.BWD_IAT, L.ACTIVE, L.IDLE] as const;

function openBulk(d: Float64Array, o: number): void {
  d[o + L.B_START_US] = -1;
  d[o + L.B_LAST_US] = -1;
  for (let i = L.B_RUN_PKTS; i <= L.B_DURATION_US; i++) d[o + i] = 0;
}

/** Statistics of a flow whose first packet arrives at `firstTsUs` (nothing counted yet), into `d`. */
export function openFlowStats(d: Float64Array, firstTsUs: number): void {
  for (const o of RUNNING) for (let i = 0; i < STAT_SIZE; i++) d[o + i] = 0;
  d[L.LAST_US] = -1;
  d[L.LAST_FWD_US] = -1;
  d[L.LAST_BWD_US] = -1;
  d[L.ACTIVE_START_US] = firstTsUs;
  d[L.ACTIVE_END_US] = firstTsUs;
  for (let i = L.FWD_PSH; i <= L.BWD_HEADER_BYTES; i++) d[i] = 0;
  d[L.INIT_WIN_FWD] = -1;
  d[L.INIT_WIN_BWD] = -1;
  d[L.FWD_ACT_DATA] = 0;
  d[L.FWD_SEG_SIZE_MIN] = 0;
  d[L.SUBFLOWS] = 1;
  openBulk(d, L.FWD_BULK);
  openBulk(d, L.BWD_BULK);
}

/**
 * Counts one packet. `isTcp` decides whether the TCP window is read (init_win stays -1 for other
 * protocols). A packet earlier than its predecessor (reordered capture) counts as a gap of 0.
 */
export function addToFlowStats(d: Float64Array, pkt: StatsPacket, fwd: boolean, isTcp: boolean, activityTimeoutUs: number): void {
  const ts = pkt.tsUs;
  const len = pkt.payloadLength;
  const flags = pkt.tcpFlags;

  const lastUs = d[L.LAST_US];
  if (lastUs >= 0) {
    const gap = ts > lastUs ? ts - lastUs : 0;
    addToStatAt(d, L.FLOW_IAT, gap);
    if (gap > SUBFLOW_GAP_US) d[L.SUBFLOWS]++;
  }
  if (ts > lastUs) d[L.LAST_US] = ts;

  // Active / idle (CICFlowMeter's updateActiveIdleTime).
  const activeEnd = d[L.ACTIVE_END_US];
  if (ts - activeEnd > activityTimeoutUs) {
    const activeStart = d[L.ACTIVE_START_US];
    if (activeEnd - activeStart > 0) addToStatAt(d, L.ACTIVE, activeEnd - activeStart);
    addToStatAt(d, L.IDLE, ts - activeEnd);
    d[L.ACTIVE_START_US] = ts;
    d[L.ACTIVE_END_US] = ts;
  } else if (ts > activeEnd) {
    d[L.ACTIVE_END_US] = ts;
  }

  const header = pkt.transportHeaderLength;
  if (fwd) {
    if (d[L.FWD_LEN] === 0) {
      if (isTcp) d[L.INIT_WIN_FWD] = pkt.tcpWindow;
      d[L.FWD_SEG_SIZE_MIN] = header;
    } else if (header < d[L.FWD_SEG_SIZE_MIN]) {
      d[L.FWD_SEG_SIZE_MIN] = header;
    }
    addToStatAt(d, L.FWD_LEN, len);
    const last = d[L.LAST_FWD_US];
    if (last >= 0) addToStatAt(d, L.FWD_IAT, ts > last ? ts - last : 0);
    if (ts > last) d[L.LAST_FWD_US] = ts;
    d[L.FWD_HEADER_BYTES] += header;
    if (len > 0) d[L.FWD_ACT_DATA]++;
    if ((flags & PSH) !== 0) d[L.FWD_PSH]++;
    if ((flags & URG) !== 0) d[L.FWD_URG]++;
    addToBulk(d, L.FWD_BULK, L.BWD_BULK, ts, len);
  } else {
    if (d[L.BWD_LEN] === 0 && isTcp) d[L.INIT_WIN_BWD] = pkt.tcpWindow;
    addToStatAt(d, L.BWD_LEN, len);
    const last = d[L.LAST_BWD_US];
    if (last >= 0) addToStatAt(d, L.BWD_IAT, ts > last ? ts - last : 0);
    if (ts > last) d[L.LAST_BWD_US] = ts;
    d[L.BWD_HEADER_BYTES] += header;
    if ((flags & PSH) !== 0) d[L.BWD_PSH]++;
    if ((flags & URG) !== 0) d[L.BWD_URG]++;
    addToBulk(d, L.BWD_BULK, L.FWD_BULK, ts, len);
  }

  if (flags !== 0) {
    if ((flags & FIN) !== 0) d[L.FIN_COUNT]++;
    if ((flags & SYN) !== 0) d[L.SYN_COUNT]++;
    if ((flags & RST) !== 0) d[L.RST_COUNT]++;
    if ((flags & PSH) !== 0) d[L.PSH_COUNT]++;
    if ((flags & ACK) !== 0) d[L.ACK_COUNT]++;
    if ((flags & URG) !== 0) d[L.URG_COUNT]++;
    if ((flags & ECE) !== 0) d[L.ECE_COUNT]++;
    if ((flags & CWR) !== 0) d[L.CWR_COUNT]++;
  }
}

/** CICFlowMeter's updateForwardBulk / updateBackwardBulk for a packet of the direction whose BulkState is at `own`. */
function addToBulk(d: Float64Array, own: number, other: number, ts: number, len: number): void {
  // Data from the other direction since this run started breaks the run.
  if (d[other + L.B_LAST_US] > d[own + L.B_START_US]) d[own + L.B_START_US] = -1;
  if (len <= 0) return;
  const lastUs = d[own + L.B_LAST_US];
  if (d[own + L.B_START_US] < 0 || ts - lastUs > BULK_GAP_US) {
    d[own + L.B_START_US] = ts;
    d[own + L.B_LAST_US] = ts;
    d[own + L.B_RUN_PKTS] = 1;
    d[own + L.B_RUN_BYTES] = len;
    return;
  }
  const runPkts = ++d[own + L.B_RUN_PKTS];
  d[own + L.B_RUN_BYTES] += len;
  if (runPkts === BULK_MIN_PKTS) {
    d[own + L.B_COUNT]++;
    d[own + L.B_PKTS] += runPkts;
    d[own + L.B_BYTES] += d[own + L.B_RUN_BYTES];
    d[own + L.B_DURATION_US] += ts - d[own + L.B_START_US];
  } else if (runPkts > BULK_MIN_PKTS) {
    d[own + L.B_PKTS]++;
    d[own + L.B_BYTES] += len;
    d[own + L.B_DURATION_US] += ts - lastUs;
  }
  d[own + L.B_LAST_US] = ts;
}

function bulkAt(d: Float64Array, o: number): BulkState {
  return {
    startUs: d[o + L.B_START_US], lastUs: d[o + L.B_LAST_US], runPkts: d[o + L.B_RUN_PKTS], runBytes: d[o + L.B_RUN_BYTES],
    count: d[o + L.B_COUNT], pkts: d[o + L.B_PKTS], bytes: d[o + L.B_BYTES], durationUs: d[o + L.B_DURATION_US],
  };
}

function putBulkAt(d: Float64Array, o: number, b: BulkState): void {
  d[o + L.B_START_US] = b.startUs;
  d[o + L.B_LAST_US] = b.lastUs;
  d[o + L.B_RUN_PKTS] = b.runPkts;
  d[o + L.B_RUN_BYTES] = b.runBytes;
  d[o + L.B_COUNT] = b.count;
  d[o + L.B_PKTS] = b.pkts;
  d[o + L.B_BYTES] = b.bytes;
  d[o + L.B_DURATION_US] = b.durationUs;
}

/** The statistics in `d` as their JSON form (the fields in the order FlowState has always had them). */
export function flowStatsStateOf(d: Float64Array): FlowStatsState {
  return {
    fwdLen: statAt(d, L.FWD_LEN), bwdLen: statAt(d, L.BWD_LEN),
    flowIat: statAt(d, L.FLOW_IAT), fwdIat: statAt(d, L.FWD_IAT), bwdIat: statAt(d, L.BWD_IAT),
    active: statAt(d, L.ACTIVE), idle: statAt(d, L.IDLE),
    lastUs: d[L.LAST_US], lastFwdUs: d[L.LAST_FWD_US], lastBwdUs: d[L.LAST_BWD_US],
    activeStartUs: d[L.ACTIVE_START_US], activeEndUs: d[L.ACTIVE_END_US],
    fwdPsh: d[L.FWD_PSH], bwdPsh: d[L.BWD_PSH], fwdUrg: d[L.FWD_URG], bwdUrg: d[L.BWD_URG],
    fin: d[L.FIN_COUNT], syn: d[L.SYN_COUNT], rst: d[L.RST_COUNT], psh: d[L.PSH_COUNT], ack: d[L.ACK_COUNT], urg: d[L.URG_COUNT], cwr: d[L.CWR_COUNT], ece: d[L.ECE_COUNT],
    fwdHeaderBytes: d[L.FWD_HEADER_BYTES], bwdHeaderBytes: d[L.BWD_HEADER_BYTES],
    initWinFwd: d[L.INIT_WIN_FWD], initWinBwd: d[L.INIT_WIN_BWD],
    fwdActData: d[L.FWD_ACT_DATA], fwdSegSizeMin: d[L.FWD_SEG_SIZE_MIN],
    subflows: d[L.SUBFLOWS],
    fwdBulk: bulkAt(d, L.FWD_BULK), bwdBulk: bulkAt(d, L.BWD_BULK),
  };
}

/** Writes statistics in their JSON form to `d`. */
export function putFlowStatsState(d: Float64Array, s: FlowStatsState): void {
  const stats: [number, RunningStat][] = [[L.FWD_LEN, s.fwdLen], [L.BWD_LEN, s.bwdLen], [L.FLOW_IAT, s.flowIat], [L.FWD_IAT, s.fwdIat], [L.BWD_IAT, s.bwdIat], [L.ACTIVE, s.active], [L.IDLE, s.idle]];
  for (const [o, stat] of stats) putStatAt(d, o, stat);
  d[L.LAST_US] = s.lastUs;
  d[L.LAST_FWD_US] = s.lastFwdUs;
  d[L.LAST_BWD_US] = s.lastBwdUs;
  d[L.ACTIVE_START_US] = s.activeStartUs;
  d[L.ACTIVE_END_US] = s.activeEndUs;
  d[L.FWD_PSH] = s.fwdPsh;
  d[L.BWD_PSH] = s.bwdPsh;
  d[L.FWD_URG] = s.fwdUrg;
  d[L.BWD_URG] = s.bwdUrg;
  d[L.FIN_COUNT] = s.fin;
  d[L.SYN_COUNT] = s.syn;
  d[L.RST_COUNT] = s.rst;
  d[L.PSH_COUNT] = s.psh;
  d[L.ACK_COUNT] = s.ack;
  d[L.URG_COUNT] = s.urg;
  d[L.CWR_COUNT] = s.cwr;
  d[L.ECE_COUNT] = s.ece;
  d[L.FWD_HEADER_BYTES] = s.fwdHeaderBytes;
  d[L.BWD_HEADER_BYTES] = s.bwdHeaderBytes;
  d[L.INIT_WIN_FWD] = s.initWinFwd;
  d[L.INIT_WIN_BWD] = s.initWinBwd;
  d[L.FWD_ACT_DATA] = s.fwdActData;
  d[L.FWD_SEG_SIZE_MIN] = s.fwdSegSizeMin;
  d[L.SUBFLOWS] = s.subflows;
  putBulkAt(d, L.FWD_BULK, s.fwdBulk);
  putBulkAt(d, L.BWD_BULK, s.bwdBulk);
}
