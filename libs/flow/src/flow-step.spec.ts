import type { FlowRecord } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions } from './flow-options';
import { FLOW_STATE_VERSION, openFlow, updateFlow, upgradeFlowState, type FlowPacket, type FlowState, type FlowStateV1 } from './flow-state';
import { applyPacket } from './flow-step';
import { F, TcpScript, packet } from './flow-test.packets';
import { FlowTable, type FlowStateStore } from './flow.table';

const options = resolveFlowOptions();
const s = 1_000_000;

/** Packets of several flows, with port reuse, a RST, a timeout and stragglers, in time order. */
function traffic(): FlowPacket[] {
  const shift = (packets: FlowPacket[], us: number) => packets.map((p) => ({ ...p, tsUs: p.tsUs + us }));
  return [
    ...new TcpScript().handshake().send('c', F.PSH | F.ACK, 100).send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).packets,
    ...shift(new TcpScript().handshake().send('s', F.RST).packets, 1 * s),
    ...shift(new TcpScript({ clientPort: 50000 }).send('c', F.SYN).send('s', F.RST | F.ACK).send('c', F.ACK).packets, 2 * s),
    packet({ from: 'c', proto: 17, len: 20, at: 3 * s }),
    packet({ from: 'c', proto: 17, len: 20, at: 100 * s }),
  ].sort((a, b) => a.tsUs - b.tsUs);
}

describe('applyPacket', () => {
  it('gives a JSON state store the same flows as the in-memory table', () => {
    const table = new FlowTable({ expiryCheckIntervalUs: Number.MAX_SAFE_INTEGER });
    const fromTable: FlowRecord[] = [];
    const store = new Map<string, string>();
    const fromStore: FlowRecord[] = [];
    for (const p of traffic()) {
      fromTable.push(...table.add(p));
      const key = flowKey(p);
      const stored = store.get(key);
      const step = applyPacket(stored === undefined ? undefined : (JSON.parse(stored) as FlowState), p, key, options);
      if (step.state === null) store.delete(key);
      else store.set(key, JSON.stringify(step.state));
      fromStore.push(...step.emitted);
    }
    expect(fromStore).toEqual(fromTable);
    expect(fromStore.map((f) => [f.conn_state, f.close_reason])).toEqual([
      ['SF', 'FIN'], // replaced by the SYN at 1 s (port reuse; its last ACK was never seen)
      ['RSTR', 'RST'],
      ['REJ', 'RST'],
      ['S0', 'IDLE'], // the one-way UDP flow, timed out when its next packet came 97 s later
    ]);
  });

  it('opens a flow for a packet with no stored state, and keeps it', () => {
    const p = packet({ from: 'c', flags: F.SYN });
    const step = applyPacket(undefined, p, flowKey(p), options);
    expect(step.emitted).toEqual([]);
    expect(step.state).toMatchObject({ origPkts: 1, history: 'S', origState: 'SYN_SENT' });
  });
});

describe('applyPacket on a state restored from a v1 changelog', () => {
  /** What a v1 writer stored: the v2 fields removed, v = 1. */
  function v1Of(packets: FlowPacket[]): string {
    const state = openFlow(packets[0], flowKey(packets[0]));
    for (const p of packets) updateFlow(state, p, options);
    const { historySeen: _seen, origHistory: _o, respHistory: _r, stats: _s, ...rest } = state;
    return JSON.stringify({ ...rest, v: 1 });
  }

  it('upgrades it in place, keeps its history rules and reports stats as null', () => {
    const script = new TcpScript().handshake().send('c', F.PSH | F.ACK, 10).send('c', F.ACK).send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).send('c', F.ACK);
    const restored = JSON.parse(v1Of(script.packets.slice(0, 4))) as FlowStateV1;
    expect(restored.history).toBe('ShAD');
    let step = applyPacket(restored, script.packets[4], restored.key, options);
    expect(step.state).toBe(restored);
    expect(step.state).toMatchObject({ v: 2, stats: null, history: 'ShAD' }); // the second pure ACK adds no A
    step = applyPacket(step.state, script.packets[5], restored.key, options);
    step = applyPacket(step.state, script.packets[6], restored.key, options);
    step = applyPacket(step.state, script.packets[7], restored.key, options);
    expect(step.emitted.map((f) => [f.conn_state, f.history, f.close_reason, f.stats, f.orig_pkts])).toEqual([['SF', 'ShADFf', 'FIN', null, 6]]);
  });

  it('emits a v1 state that times out without a packet (FlowTable expiry) with stats null', () => {
    const restored = JSON.parse(v1Of([packet({ from: 'c', proto: 17, len: 5 })])) as FlowState;
    const map = new Map([[restored.key, restored]]);
    const store: FlowStateStore = {
      get: (k) => map.get(k), put: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k), entries: () => map.entries(), get size() { return map.size; },
    };
    const table = new FlowTable({}, store);
    expect(table.advanceTo(restored.lastTsUs + 61 * s).map((f) => [f.conn_state, f.stats])).toEqual([['S0', null]]);
  });

  it('is a no-op on a current state', () => {
    const state = openFlow(packet({ from: 'c' }), flowKey(packet({ from: 'c' })));
    expect(upgradeFlowState(state)).toBe(state);
    expect(state.v).toBe(FLOW_STATE_VERSION);
  });
});
