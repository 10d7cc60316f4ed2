import type { FlowRecord } from '@ids/contracts';
import type { FlowOptions } from './flow-options';
import { toFlowRecord } from './flow-record.mapper';
import { flowKey } from './flow-key';
import { expiry, finishedReason, isFromInitiator, isPortReuse, openFlow, updateFlow, upgradeFlowState, type FlowPacket, type FlowState, type FlowStateV1 } from './flow-state';

/** What one packet does to the state kept for its flow key. */
export interface FlowStep {
  /** The state to keep for the key afterwards, or null to delete it. */
  state: FlowState | null;
  /** Records to emit, in order: the previous flow (timed out, or replaced by port reuse), then the flow this packet closed. */
  emitted: FlowRecord[];
}

/**
 * One packet against the state stored for its key (`flowKey(pkt)`), as both the in-memory
 * FlowTable and a state-store-backed stage apply it, so both runtimes give the same flows:
 *
 * 1. a stored flow that timed out by this packet's time is emitted (IDLE / ACTIVE / FIN / RST);
 * 2. a SYN on a finished TCP flow (port reuse) emits it and starts afresh;
 * 3. otherwise the packet opens a flow (its sender is the initiator) or joins the stored one;
 * 4. a flow this packet closes (FIN handshake done, RST) is emitted and not kept.
 *
 * `state` is updated in place when it is kept (a v1 state is upgraded first, in place).
 */
export function applyPacket(state: FlowState | FlowStateV1 | undefined | null, pkt: FlowPacket, key: string, options: FlowOptions): FlowStep {
  const emitted: FlowRecord[] = [];
  return { state: applyPacketTo(state, pkt, key, options, emitted), emitted };
}

/**
 * `applyPacket` for the per-packet path: appends the records to `emitted` (a caller-owned array,
 * usually empty and reused) and returns the state to keep, so nothing is allocated per packet.
 * `key` null: made from `pkt` only if a flow opens. `fromStoredInitiator`: whether the initiator
 * of `state` sent `pkt`, when the caller knows it (else the addresses are compared).
 */
export function applyPacketTo(
  state: FlowState | FlowStateV1 | undefined | null, pkt: FlowPacket, key: string | null, options: FlowOptions, emitted: FlowRecord[], fromStoredInitiator?: boolean,
): FlowState | null {
  // A state restored from an older changelog is upgraded in place, so it stays the stored object.
  let current = state ? upgradeFlowState(state) : null;
  if (current !== null) {
    const reason = expiry(current, pkt.tsUs, options) ?? (isPortReuse(current, pkt) ? finishedReason(current) : null);
    if (reason !== null) {
      emitted.push(toFlowRecord(current, reason));
      current = null;
    }
  }
  // The direction the caller knows holds for the stored flow only, not for one opened here.
  const known = current !== null ? fromStoredInitiator : undefined;
  current ??= openFlow(pkt, key ?? flowKey(pkt));
  const closed = updateFlow(current, pkt, options, known ?? isFromInitiator(current, pkt));
  if (closed !== null) {
    emitted.push(toFlowRecord(current, closed));
    current = null;
  }
  return current;
}
