import type { FlowRecord } from '@ids/contracts';
import { flowKey } from './flow-key';
import { resolveFlowOptions } from './flow-options';
import type { FlowPacket, FlowState } from './flow-state';
import { applyPacket } from './flow-step';
import { F, TcpScript, packet } from './flow-test.packets';
import { FlowTable } from './flow.table';

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
