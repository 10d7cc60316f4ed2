import { resolveFlowOptions } from './flow-options';
import { flowKey } from './flow-key';
import { toFlowRecord } from './flow-record.mapper';
import { expiry, isPortReuse, openFlow, updateFlow, type FlowPacket, type FlowState } from './flow-state';
import { CLIENT, F, SERVER, T0, TcpScript, packet } from './flow-test.packets';
import type { FlowCloseReason } from '@ids/contracts';

const options = resolveFlowOptions();

/** Runs packets through one flow; returns the state and the reason returned per packet. */
function run(packets: FlowPacket[], opts = options): { state: FlowState; reasons: (FlowCloseReason | null)[] } {
  const state = openFlow(packets[0], flowKey(packets[0]));
  const reasons = packets.map((p) => updateFlow(state, p, opts));
  return { state, reasons };
}

describe('updateFlow on TCP', () => {
  const { SYN, ACK, FIN, RST, PSH } = F;
  // name, script, conn_state, history, reason returned by the last packet (earlier ones: null)
  const cases: [string, TcpScript, string, string, FlowCloseReason | null][] = [
    ['a normal connection, client closes', new TcpScript().handshake().send('c', PSH | ACK, 100).send('s', ACK).send('s', PSH | ACK, 1448).send('c', ACK).send('c', FIN | ACK).send('s', FIN | ACK).send('c', ACK),
      'SF', 'ShADadFf', 'FIN'],
    ['a normal connection, server closes first', new TcpScript().handshake().send('c', PSH | ACK, 10).send('s', PSH | ACK, 20).send('s', FIN | ACK).send('c', FIN | ACK).send('s', ACK),
      'SF', 'ShADdfFa', 'FIN'],
    ['a half-close: the server keeps sending after the client FIN', new TcpScript().handshake().send('c', FIN | ACK).send('s', PSH | ACK, 500).send('c', ACK).send('s', FIN | ACK).send('c', ACK),
      'SF', 'ShAFdf', 'FIN'],
    ['an unanswered SYN, retransmitted (same sequence number)', new TcpScript().send('c', SYN).resend('c', SYN, 0, 1), 'S0', 'S', null],
    ['a new SYN with another sequence number repeats S', new TcpScript().send('c', SYN).send('c', SYN), 'S0', 'SS', null],
    ['a rejected SYN', new TcpScript().send('c', SYN).send('s', RST | ACK), 'REJ', 'Sr', 'RST'],
    ['an originator abort', new TcpScript().handshake().send('c', PSH | ACK, 50).send('c', RST | ACK), 'RSTO', 'ShADR', 'RST'],
    ['a responder abort', new TcpScript().handshake().send('c', PSH | ACK, 50).send('s', RST), 'RSTR', 'ShADr', 'RST'],
    ['established, not closed', new TcpScript().handshake().send('c', PSH | ACK, 5), 'S1', 'ShAD', null],
    ['SYN then FIN, no answer', new TcpScript().send('c', SYN).send('c', FIN), 'SH', 'SF', null],
    ['picked up mid-stream', new TcpScript().send('c', PSH | ACK, 10).send('s', ACK), 'OTH', 'Da', null],
    ['both FINs but the last ACK missing', new TcpScript().handshake().send('c', FIN | ACK).send('s', FIN | ACK), 'SF', 'ShAFf', null],
  ];

  it.each(cases)('%s', (_name, script, state, history, lastReason) => {
    const { state: flow, reasons } = run(script.packets);
    const record = toFlowRecord(flow, lastReason ?? 'END');
    expect(record.conn_state).toBe(state);
    expect(record.history).toBe(history);
    expect(reasons.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(reasons[reasons.length - 1]).toBe(lastReason);
  });

  it('does not close on FIN or RST when told not to', () => {
    const fin = new TcpScript().handshake().send('c', FIN | ACK).send('s', FIN | ACK).send('c', ACK).send('c', RST);
    const { reasons } = run(fin.packets, resolveFlowOptions({ closeOnFin: false, closeOnRst: false }));
    expect(reasons.every((r) => r === null)).toBe(true);
  });

  it('counts packets and bytes per direction', () => {
    const script = new TcpScript().handshake().send('c', PSH | ACK, 100).send('s', PSH | ACK, 1000).send('s', PSH | ACK, 448);
    const record = toFlowRecord(run(script.packets).state, 'END');
    expect(record).toMatchObject({
      orig_h: CLIENT, orig_p: 49200, resp_h: SERVER, resp_p: 80, proto: 'tcp', service: 'http',
      orig_pkts: 3, resp_pkts: 3, orig_bytes: 100, resp_bytes: 1448,
      orig_ip_bytes: 3 * 40 + 100, resp_ip_bytes: 3 * 40 + 1448, orig_wire_bytes: 3 * 54 + 100, resp_wire_bytes: 3 * 54 + 1448,
      ts_us: T0 + 1000, last_ts_us: T0 + 6000, duration_us: 5000, close_reason: 'END',
    });
  });

  it('makes the sender of the first packet the initiator, even when it is the server', () => {
    const { state } = run([packet({ from: 's', flags: F.PSH | F.ACK, len: 10 }), packet({ from: 'c', flags: F.ACK, at: 10 })]);
    expect([state.origH, state.origP, state.respH, state.respP]).toEqual([SERVER, 80, CLIENT, 49200]);
  });

  it('flips the flow when the first packet is a SYN-ACK (history starts with ^)', () => {
    const { state } = run([packet({ from: 's', flags: F.SYN | F.ACK }), packet({ from: 'c', flags: F.ACK, at: 10 })]);
    expect([state.origH, state.origP, state.respH, state.respP]).toEqual([CLIENT, 49200, SERVER, 80]);
    expect([state.history, state.respPkts, state.origPkts]).toEqual(['^hA', 1, 1]);
  });

  it('survives a JSON round trip mid-flow', () => {
    const script = new TcpScript().handshake().send('c', PSH | ACK, 100).send('c', FIN | ACK).send('s', FIN | ACK).send('c', ACK);
    const direct = run(script.packets);
    // As a state store would: read, update, write back as JSON, for every packet.
    let stored = JSON.stringify(openFlow(script.packets[0], flowKey(script.packets[0])));
    const reasons = script.packets.map((p) => {
      const state: FlowState = JSON.parse(stored);
      const reason = updateFlow(state, p, options);
      stored = JSON.stringify(state);
      return reason;
    });
    expect(reasons).toEqual(direct.reasons);
    expect(JSON.parse(stored)).toEqual(direct.state);
  });
});

describe('updateFlow on UDP and ICMP', () => {
  it('records data history and SF for a UDP request and response', () => {
    const { state } = run([packet({ from: 'c', proto: 17, len: 30, serverPort: 53 }), packet({ from: 's', proto: 17, len: 90, serverPort: 53, at: 500 })]);
    expect(toFlowRecord(state, 'END')).toMatchObject({ proto: 'udp', service: 'dns', conn_state: 'SF', history: 'Dd', orig_bytes: 30, resp_bytes: 90 });
  });
  it.each([
    ['one-way UDP is S0', [packet({ from: 'c', proto: 17, len: 30, serverPort: 53 })], 'S0', 'D', CLIENT],
    ['a lone UDP reply from a service port is flipped: SHR', [packet({ from: 's', proto: 17, len: 90, serverPort: 53 })], 'SHR', '^d', CLIENT],
    ['UDP between two service ports is not flipped', [packet({ from: 's', proto: 17, len: 48, clientPort: 123, serverPort: 123 })], 'S0', 'D', SERVER],
    ['ICMP is OTH, as Zeek', [packet({ from: 'c', proto: 1, clientPort: 8, serverPort: 0, len: 56 }), packet({ from: 's', proto: 1, clientPort: 8, serverPort: 0, len: 56, at: 10 })], 'OTH', '', CLIENT],
  ])('%s', (_name, packets, connState, history, origH) => {
    expect(toFlowRecord(run(packets).state, 'END')).toMatchObject({ conn_state: connState, history, orig_h: origH });
  });
  it('has no history or service for ICMP', () => {
    const { state } = run([packet({ from: 'c', proto: 1, clientPort: 8, serverPort: 0, len: 56 })]);
    expect(toFlowRecord(state, 'END')).toMatchObject({ proto: 'icmp', service: null, history: '', orig_p: 8, resp_p: 0 });
  });
});

describe('expiry', () => {
  const s = 1_000_000;
  const open = (proto: number, packets: FlowPacket[] = [packet({ from: 'c', proto })]) => run(packets).state;
  it.each([
    ['TCP idle for 299 s', open(6), 299 * s, null],
    ['TCP idle for 300 s', open(6), 300 * s, 'IDLE'],
    ['UDP idle for 60 s', open(17), 60 * s, 'IDLE'],
    ['UDP idle for 59 s', open(17), 59 * s, null],
    ['ICMP idle for 60 s', open(1), 60 * s, 'IDLE'],
    ['GRE idle for 60 s', open(47), 60 * s, 'IDLE'],
    ['TCP with both FINs, quiet for 5 s', open(6, new TcpScript().handshake().send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).packets), 5 * s + 6000, 'FIN'],
    ['TCP with both FINs, quiet for 4 s', open(6, new TcpScript().handshake().send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).packets), 4 * s, null],
  ] as const)('%s -> %s', (_name, state, after, reason) => {
    expect(expiry(state, T0 + after, options)).toBe(reason);
  });

  it('reports ACTIVE for a busy flow past the active timeout', () => {
    const packets = Array.from({ length: 40 }, (_, i) => packet({ from: 'c', proto: 17, at: i * 50 * s }));
    const state = run(packets).state;
    expect(expiry(state, T0 + 1950 * s, options)).toBe('ACTIVE');
    expect(expiry(state, T0 + 1799 * s, options)).toBeNull();
  });
});

describe('isPortReuse', () => {
  const closed = run(new TcpScript().handshake().send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).packets).state;
  const live = run(new TcpScript().handshake().packets).state;
  it.each([
    ['a SYN after both FINs', closed, F.SYN, true],
    ['a SYN-ACK after both FINs', closed, F.SYN | F.ACK, false],
    ['an ACK after both FINs', closed, F.ACK, false],
    ['a SYN on a live connection', live, F.SYN, false],
  ] as const)('%s -> %s', (_name, state, flags, reuse) => {
    expect(isPortReuse(state, packet({ from: 'c', flags, at: 99_000 }))).toBe(reuse);
  });
});
