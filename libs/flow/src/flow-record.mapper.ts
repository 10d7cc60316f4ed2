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
  return {
    uid: state.uid,
    flow_id: state.flowId,
    flow_key: state.key,
    ts_us: state.firstTsUs,
    last_ts_us: state.lastTsUs,
    duration_us: state.lastTsUs - state.firstTsUs,
    proto: protoName(state.ipProto),
    ip_proto: state.ipProto,
    vlan: state.vlan,
    orig_h: state.origH,
    orig_p: state.origP,
    resp_h: state.respH,
    resp_p: state.respP,
    service: guessService(state.ipProto, state.respP),
    orig_pkts: state.origPkts,
    resp_pkts: state.respPkts,
    orig_bytes: state.origBytes,
    resp_bytes: state.respBytes,
    orig_ip_bytes: state.origIpBytes,
    resp_ip_bytes: state.respIpBytes,
    orig_wire_bytes: state.origWireBytes,
    resp_wire_bytes: state.respWireBytes,
    conn_state: connState(state),
    history: state.history,
    close_reason: reason,
    stats: statsOf(state),
  };
}

function statsOf(state: FlowState): FlowStats | null {
  if (state instanceof FlowEntry) return state.measured ? toFlowStats(state.d, state.o) : null;
  // A v1 state that was never upgraded has no `stats` at all: null too.
  if (!state.stats) return null;
  putFlowStatsState(scratch, 0, state.stats);
  return toFlowStats(scratch, 0);
}
