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
export function openFlowStats(d: Float64Array, o: number, firstTsUs: number): void {
  for (const stat of RUNNING) for (let i = 0; i < STAT_SIZE; i++) d[o + stat + i] = 0;
  d[o + L.LAST_US] = -1;
  d[o + L.LAST_FWD_US] = -1;
  d[o + L.LAST_BWD_US] = -1;
  d[o + L.ACTIVE_START_US] = firstTsUs;
  d[o + L.ACTIVE_END_US] = firstTsUs;
  for (let i = L.FWD_PSH; i <= L.BWD_HEADER_BYTES; i++) d[o + i] = 0;
  d[o + L.INIT_WIN_FWD] = -1;
  d[o + L.INIT_WIN_BWD] = -1;
  d[o + L.FWD_ACT_DATA] = 0;
  d[o + L.FWD_SEG_SIZE_MIN] = 0;
  d[o + L.SUBFLOWS] = 1;
  openBulk(d, o + L.FWD_BULK);
  openBulk(d, o + L.BWD_BULK);
}

/**
 * Counts one packet. `isTcp` decides whether the TCP window is read (init_win stays -1 for other
 * protocols). A packet earlier than its predecessor (reordered capture) counts as a gap of 0.
 */
export function addToFlowStats(d: Float64Array, o: number, pkt: StatsPacket, fwd: boolean, isTcp: boolean, activityTimeoutUs: number): void {
  const ts = pkt.tsUs;
  const len = pkt.payloadLength;
  const flags = pkt.tcpFlags;

  const lastUs = d[o + L.LAST_US];
  if (lastUs >= 0) {
    const gap = ts > lastUs ? ts - lastUs : 0;
    addToStatAt(d, o + L.FLOW_IAT, gap);
    if (gap > SUBFLOW_GAP_US) d[o + L.SUBFLOWS]++;
  }
  if (ts > lastUs) d[o + L.LAST_US] = ts;

  // Active / idle (CICFlowMeter's updateActiveIdleTime).
  const activeEnd = d[o + L.ACTIVE_END_US];
  if (ts - activeEnd > activityTimeoutUs) {
    const activeStart = d[o + L.ACTIVE_START_US];
    if (activeEnd - activeStart > 0) addToStatAt(d, o + L.ACTIVE, activeEnd - activeStart);
    addToStatAt(d, o + L.IDLE, ts - activeEnd);
    d[o + L.ACTIVE_START_US] = ts;
    d[o + L.ACTIVE_END_US] = ts;
  } else if (ts > activeEnd) {
    d[o + L.ACTIVE_END_US] = ts;
  }

  const header = pkt.transportHeaderLength;
  if (fwd) {
    if (d[o + L.FWD_LEN] === 0) {
      if (isTcp) d[o + L.INIT_WIN_FWD] = pkt.tcpWindow;
      d[o + L.FWD_SEG_SIZE_MIN] = header;
    } else if (header < d[o + L.FWD_SEG_SIZE_MIN]) {
      d[o + L.FWD_SEG_SIZE_MIN] = header;
    }
    addToStatAt(d, o + L.FWD_LEN, len);
    const last = d[o + L.LAST_FWD_US];
    if (last >= 0) addToStatAt(d, o + L.FWD_IAT, ts > last ? ts - last : 0);
    if (ts > last) d[o + L.LAST_FWD_US] = ts;
    d[o + L.FWD_HEADER_BYTES] += header;
    if (len > 0) d[o + L.FWD_ACT_DATA]++;
    if ((flags & PSH) !== 0) d[o + L.FWD_PSH]++;
    if ((flags & URG) !== 0) d[o + L.FWD_URG]++;
    addToBulk(d, o + L.FWD_BULK, o + L.BWD_BULK, pkt);
  } else {
    if (d[o + L.BWD_LEN] === 0 && isTcp) d[o + L.INIT_WIN_BWD] = pkt.tcpWindow;
    addToStatAt(d, o + L.BWD_LEN, len);
    const last = d[o + L.LAST_BWD_US];
    if (last >= 0) addToStatAt(d, o + L.BWD_IAT, ts > last ? ts - last : 0);
    if (ts > last) d[o + L.LAST_BWD_US] = ts;
    d[o + L.BWD_HEADER_BYTES] += header;
    if ((flags & PSH) !== 0) d[o + L.BWD_PSH]++;
    if ((flags & URG) !== 0) d[o + L.BWD_URG]++;
    addToBulk(d, o + L.BWD_BULK, o + L.FWD_BULK, pkt);
  }

  if (flags !== 0) {
    if ((flags & FIN) !== 0) d[o + L.FIN_COUNT]++;
    if ((flags & SYN) !== 0) d[o + L.SYN_COUNT]++;
    if ((flags & RST) !== 0) d[o + L.RST_COUNT]++;
    if ((flags & PSH) !== 0) d[o + L.PSH_COUNT]++;
    if ((flags & ACK) !== 0) d[o + L.ACK_COUNT]++;
    if ((flags & URG) !== 0) d[o + L.URG_COUNT]++;
    if ((flags & ECE) !== 0) d[o + L.ECE_COUNT]++;
    if ((flags & CWR) !== 0) d[o + L.CWR_COUNT]++;
  }
}

/**
 * CICFlowMeter's updateForwardBulk / updateBackwardBulk for a packet of the direction whose
 * BulkState is at `own`. Takes the packet, not its time: a time is a double, which a call that
 * is not inlined passes in a heap box of its own.
 */
function addToBulk(d: Float64Array, own: number, other: number, pkt: StatsPacket): void {
  const ts = pkt.tsUs;
  const len = pkt.payloadLength;
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
export function flowStatsStateOf(d: Float64Array, o: number): FlowStatsState {
  return {
    fwdLen: statAt(d, o + L.FWD_LEN), bwdLen: statAt(d, o + L.BWD_LEN),
    flowIat: statAt(d, o + L.FLOW_IAT), fwdIat: statAt(d, o + L.FWD_IAT), bwdIat: statAt(d, o + L.BWD_IAT),
    active: statAt(d, o + L.ACTIVE), idle: statAt(d, o + L.IDLE),
    lastUs: d[o + L.LAST_US], lastFwdUs: d[o + L.LAST_FWD_US], lastBwdUs: d[o + L.LAST_BWD_US],
    activeStartUs: d[o + L.ACTIVE_START_US], activeEndUs: d[o + L.ACTIVE_END_US],
    fwdPsh: d[o + L.FWD_PSH], bwdPsh: d[o + L.BWD_PSH], fwdUrg: d[o + L.FWD_URG], bwdUrg: d[o + L.BWD_URG],
    fin: d[o + L.FIN_COUNT], syn: d[o + L.SYN_COUNT], rst: d[o + L.RST_COUNT], psh: d[o + L.PSH_COUNT], ack: d[o + L.ACK_COUNT], urg: d[o + L.URG_COUNT], cwr: d[o + L.CWR_COUNT], ece: d[o + L.ECE_COUNT],
    fwdHeaderBytes: d[o + L.FWD_HEADER_BYTES], bwdHeaderBytes: d[o + L.BWD_HEADER_BYTES],
    initWinFwd: d[o + L.INIT_WIN_FWD], initWinBwd: d[o + L.INIT_WIN_BWD],
    fwdActData: d[o + L.FWD_ACT_DATA], fwdSegSizeMin: d[o + L.FWD_SEG_SIZE_MIN],
    subflows: d[o + L.SUBFLOWS],
    fwdBulk: bulkAt(d, o + L.FWD_BULK), bwdBulk: bulkAt(d, o + L.BWD_BULK),
  };
}

/** Writes statistics in their JSON form to `d`. */
export function putFlowStatsState(d: Float64Array, o: number, s: FlowStatsState): void {
  const stats: [number, RunningStat][] = [[L.FWD_LEN, s.fwdLen], [L.BWD_LEN, s.bwdLen], [L.FLOW_IAT, s.flowIat], [L.FWD_IAT, s.fwdIat], [L.BWD_IAT, s.bwdIat], [L.ACTIVE, s.active], [L.IDLE, s.idle]];
  for (const [at, stat] of stats) putStatAt(d, o + at, stat);
  d[o + L.LAST_US] = s.lastUs;
  d[o + L.LAST_FWD_US] = s.lastFwdUs;
  d[o + L.LAST_BWD_US] = s.lastBwdUs;
  d[o + L.ACTIVE_START_US] = s.activeStartUs;
  d[o + L.ACTIVE_END_US] = s.activeEndUs;
  d[o + L.FWD_PSH] = s.fwdPsh;
  d[o + L.BWD_PSH] = s.bwdPsh;
  d[o + L.FWD_URG] = s.fwdUrg;
  d[o + L.BWD_URG] = s.bwdUrg;
  d[o + L.FIN_COUNT] = s.fin;
  d[o + L.SYN_COUNT] = s.syn;
  d[o + L.RST_COUNT] = s.rst;
  d[o + L.PSH_COUNT] = s.psh;
  d[o + L.ACK_COUNT] = s.ack;
  d[o + L.URG_COUNT] = s.urg;
  d[o + L.CWR_COUNT] = s.cwr;
  d[o + L.ECE_COUNT] = s.ece;
  d[o + L.FWD_HEADER_BYTES] = s.fwdHeaderBytes;
  d[o + L.BWD_HEADER_BYTES] = s.bwdHeaderBytes;
  d[o + L.INIT_WIN_FWD] = s.initWinFwd;
  d[o + L.INIT_WIN_BWD] = s.initWinBwd;
  d[o + L.FWD_ACT_DATA] = s.fwdActData;
  d[o + L.FWD_SEG_SIZE_MIN] = s.fwdSegSizeMin;
  d[o + L.SUBFLOWS] = s.subflows;
  putBulkAt(d, o + L.FWD_BULK, s.fwdBulk);
  putBulkAt(d, o + L.BWD_BULK, s.bwdBulk);
}
