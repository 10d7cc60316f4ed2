import type { FlowCloseReason, FlowRecord, FlowStats } from '@ids/contracts';
import { connState } from './conn-state';
import { FlowEntry } from './flow-entry';
import { FLOW_ENTRY_NUMBERS } from './flow-entry.layout';
import type { FlowState } from './flow-state';
import { putFlowStatsState } from './flow-stats.accumulator';
import { toFlowStats } from './flow-stats.mapper';
import { guessService } from './service-port.table';

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmp6' };

/** Transport name of the Flow schema: 'tcp', 'udp', 'icmp', 'icmp6', or 'ip' for others. */
export function protoName(ipProto: number): string {
  return PROTO_NAMES[ipProto] ?? 'ip';
}

/** The numbers of a plain FlowState's statistics, to map them. */
const scratch = new Float64Array(FLOW_ENTRY_NUMBERS);

/** The record emitted for a flow that ended for `reason` (a FlowEntry, or a FlowState of any version). */
export function toFlowRecord(state: FlowState, reason: FlowCloseReason): FlowRecord {
  // In the order the fields were always read (a FlowEntry makes its key and ids on the first read).
  const r = blankFlowRecord();
  r.uid = state.uid;
  r.flow_id = state.flowId;
  r.flow_key = state.key;
  r.ts_us = state.firstTsUs;
  r.last_ts_us = state.lastTsUs;
  r.duration_us = state.lastTsUs - state.firstTsUs;
  r.proto = protoName(state.ipProto);
  r.ip_proto = state.ipProto;
  r.vlan = state.vlan;
  r.orig_h = state.origH;
  r.orig_p = state.origP;
  r.resp_h = state.respH;
  r.resp_p = state.respP;
  r.service = guessService(state.ipProto, state.respP);
  r.orig_pkts = state.origPkts;
  r.resp_pkts = state.respPkts;
  r.orig_bytes = state.origBytes;
  r.resp_bytes = state.respBytes;
  r.orig_ip_bytes = state.origIpBytes;
  r.resp_ip_bytes = state.respIpBytes;
  r.orig_wire_bytes = state.origWireBytes;
  r.resp_wire_bytes = state.respWireBytes;
  r.conn_state = connState(state);
  r.history = state.history;
  r.close_reason = reason;
  r.stats = statsOf(state);
  return r;
}

function statsOf(state: FlowState): FlowStats | null {
  if (state instanceof FlowEntry) return state.measured ? toFlowStats(state.d, state.o) : null;
  // A v1 state that was never upgraded has no `stats` at all: null too.
  if (!state.stats) return null;
  putFlowStatsState(scratch, 0, state.stats);
  return toFlowStats(scratch, 0);
}

/**
 * A FlowRecord with every field null, each set next, so that V8 keeps its number fields tagged
 * (as FlowStats, flow-stats.mapper.ts): the counters are then small integers stored as they are,
 * not a heap box each. The fields are in the order of the Flow schema, which its JSON keeps.
 */
function blankFlowRecord(): FlowRecord {
  return {
    uid: TAGGED, flow_id: TAGGED, flow_key: TAGGED, ts_us: TAGGED, last_ts_us: TAGGED, duration_us: TAGGED,
    proto: TAGGED, ip_proto: TAGGED, vlan: TAGGED, orig_h: TAGGED, orig_p: TAGGED, resp_h: TAGGED, resp_p: TAGGED,
    service: TAGGED, orig_pkts: TAGGED, resp_pkts: TAGGED, orig_bytes: TAGGED, resp_bytes: TAGGED,
    orig_ip_bytes: TAGGED, resp_ip_bytes: TAGGED, orig_wire_bytes: TAGGED, resp_wire_bytes: TAGGED, conn_state: TAGGED,
    history: TAGGED, close_reason: TAGGED, stats: TAGGED,
  };
}

/** Not a value: see blankFlowRecord. */
const TAGGED = null as never;
