import { addToStat, emptyStat, type RunningStat } from './running-stat';

/**
 * CICFlowMeter's per-flow statistics (BasicFlow.java), accumulated packet by packet in O(1)
 * numeric updates: no arrays, nothing allocated per packet. Plain JSON, like FlowState.
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

function emptyBulk(): BulkState {
  return { startUs: -1, lastUs: -1, runPkts: 0, runBytes: 0, count: 0, pkts: 0, bytes: 0, durationUs: 0 };
}

/** Statistics of a flow whose first packet arrives at `firstTsUs` (nothing counted yet). */
export function openFlowStats(firstTsUs: number): FlowStatsState {
  return {
    fwdLen: emptyStat(), bwdLen: emptyStat(),
    flowIat: emptyStat(), fwdIat: emptyStat(), bwdIat: emptyStat(),
    active: emptyStat(), idle: emptyStat(),
    lastUs: -1, lastFwdUs: -1, lastBwdUs: -1,
    activeStartUs: firstTsUs, activeEndUs: firstTsUs,
    fwdPsh: 0, bwdPsh: 0, fwdUrg: 0, bwdUrg: 0,
    fin: 0, syn: 0, rst: 0, psh: 0, ack: 0, urg: 0, cwr: 0, ece: 0,
    fwdHeaderBytes: 0, bwdHeaderBytes: 0,
    initWinFwd: -1, initWinBwd: -1,
    fwdActData: 0, fwdSegSizeMin: 0,
    subflows: 1,
    fwdBulk: emptyBulk(), bwdBulk: emptyBulk(),
  };
}

/**
 * Counts one packet. `isTcp` decides whether the TCP window is read (init_win stays -1 for other
 * protocols). A packet earlier than its predecessor (reordered capture) counts as a gap of 0.
 */
export function addToFlowStats(s: FlowStatsState, pkt: StatsPacket, fwd: boolean, isTcp: boolean, activityTimeoutUs: number): void {
  const ts = pkt.tsUs;
  const len = pkt.payloadLength;
  const flags = pkt.tcpFlags;

  if (s.lastUs >= 0) {
    const gap = ts > s.lastUs ? ts - s.lastUs : 0;
    addToStat(s.flowIat, gap);
    if (gap > SUBFLOW_GAP_US) s.subflows++;
  }
  if (ts > s.lastUs) s.lastUs = ts;

  // Active / idle (CICFlowMeter's updateActiveIdleTime).
  if (ts - s.activeEndUs > activityTimeoutUs) {
    if (s.activeEndUs - s.activeStartUs > 0) addToStat(s.active, s.activeEndUs - s.activeStartUs);
    addToStat(s.idle, ts - s.activeEndUs);
    s.activeStartUs = ts;
    s.activeEndUs = ts;
  } else if (ts > s.activeEndUs) {
    s.activeEndUs = ts;
  }

  if (fwd) {
    if (s.fwdLen.n === 0) {
      if (isTcp) s.initWinFwd = pkt.tcpWindow;
      s.fwdSegSizeMin = pkt.transportHeaderLength;
    } else if (pkt.transportHeaderLength < s.fwdSegSizeMin) {
      s.fwdSegSizeMin = pkt.transportHeaderLength;
    }
    addToStat(s.fwdLen, len);
    if (s.lastFwdUs >= 0) addToStat(s.fwdIat, ts > s.lastFwdUs ? ts - s.lastFwdUs : 0);
    if (ts > s.lastFwdUs) s.lastFwdUs = ts;
    s.fwdHeaderBytes += pkt.transportHeaderLength;
    if (len > 0) s.fwdActData++;
    if ((flags & PSH) !== 0) s.fwdPsh++;
    if ((flags & URG) !== 0) s.fwdUrg++;
    addToBulk(s.fwdBulk, s.bwdBulk, ts, len);
  } else {
    if (s.bwdLen.n === 0 && isTcp) s.initWinBwd = pkt.tcpWindow;
    addToStat(s.bwdLen, len);
    if (s.lastBwdUs >= 0) addToStat(s.bwdIat, ts > s.lastBwdUs ? ts - s.lastBwdUs : 0);
    if (ts > s.lastBwdUs) s.lastBwdUs = ts;
    s.bwdHeaderBytes += pkt.transportHeaderLength;
    if ((flags & PSH) !== 0) s.bwdPsh++;
    if ((flags & URG) !== 0) s.bwdUrg++;
    addToBulk(s.bwdBulk, s.fwdBulk, ts, len);
  }

  if (flags !== 0) {
    if ((flags & FIN) !== 0) s.fin++;
    if ((flags & SYN) !== 0) s.syn++;
    if ((flags & RST) !== 0) s.rst++;
    if ((flags & PSH) !== 0) s.psh++;
    if ((flags & ACK) !== 0) s.ack++;
    if ((flags & URG) !== 0) s.urg++;
    if ((flags & ECE) !== 0) s.ece++;
    if ((flags & CWR) !== 0) s.cwr++;
  }
}

/** CICFlowMeter's updateForwardBulk / updateBackwardBulk for a packet of `own`'s direction. */
function addToBulk(own: BulkState, other: BulkState, ts: number, len: number): void {
  // Data from the other direction since this run started breaks the run.
  if (other.lastUs > own.startUs) own.startUs = -1;
  if (len <= 0) return;
  if (own.startUs < 0 || ts - own.lastUs > BULK_GAP_US) {
    own.startUs = ts;
    own.lastUs = ts;
    own.runPkts = 1;
    own.runBytes = len;
    return;
  }
  own.runPkts++;
  own.runBytes += len;
  if (own.runPkts === BULK_MIN_PKTS) {
    own.count++;
    own.pkts += own.runPkts;
    own.bytes += own.runBytes;
    own.durationUs += ts - own.startUs;
  } else if (own.runPkts > BULK_MIN_PKTS) {
    own.pkts++;
    own.bytes += len;
    own.durationUs += ts - own.lastUs;
  }
  own.lastUs = ts;
}
