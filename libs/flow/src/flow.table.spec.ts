import type { FlowRecord } from '@ids/contracts';
import type { FlowPacket } from './flow-state';
import { F, T0, TcpScript, packet } from './flow-test.packets';
import { FlowTable } from './flow.table';

const s = 1_000_000;

describe('FlowTable', () => {
  it('emits a flow when FIN closes it, and nothing else', () => {
    const table = new FlowTable();
    const script = new TcpScript().handshake().send('c', F.PSH | F.ACK, 10).send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).send('c', F.ACK);
    const emitted = script.packets.map((p) => table.add(p));
    expect(emitted.slice(0, -1).every((r) => r.length === 0)).toBe(true);
    expect(emitted.at(-1)).toEqual([expect.objectContaining({ conn_state: 'SF', close_reason: 'FIN', orig_pkts: 5, resp_pkts: 2 })]);
    expect(table.size).toBe(0);
    expect(table.flush()).toEqual([]);
  });

  it('starts a new flow when a SYN reuses the ports of a finished one', () => {
    const table = new FlowTable();
    const first = new TcpScript().handshake().send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK); // last ACK never seen
    for (const p of first.packets) expect(table.add(p)).toEqual([]);
    const again = new TcpScript({ at: 0 }).handshake().packets.map((p) => ({ ...p, tsUs: p.tsUs + 2 * s }));
    expect(table.add(again[0])).toEqual([expect.objectContaining({ close_reason: 'FIN', conn_state: 'SF', orig_pkts: 3 })]);
    again.slice(1).forEach((p) => table.add(p));
    expect(table.flush()).toEqual([expect.objectContaining({ close_reason: 'END', conn_state: 'S1', history: 'ShA' })]);
  });

  it('flushes up to a time only the flows whose last packet is at or before it', () => {
    const table = new FlowTable();
    table.add(packet({ from: 'c', proto: 17, serverPort: 53 }));
    table.add(packet({ from: 'c', proto: 17, serverPort: 123, at: 5 * s }));
    expect(table.flush(T0 + 1 * s).map((r) => r.resp_p)).toEqual([53]);
    expect(table.size).toBe(1);
    expect(table.flush().map((r) => r.resp_p)).toEqual([123]);
  });

  it('starts a new flow after a RST closed one', () => {
    const table = new FlowTable();
    expect(table.add(packet({ from: 'c', flags: F.SYN }))).toEqual([]);
    expect(table.add(packet({ from: 's', flags: F.RST | F.ACK, at: 100 }))).toEqual([expect.objectContaining({ conn_state: 'REJ', close_reason: 'RST' })]);
    expect(table.add(packet({ from: 'c', flags: F.SYN, at: 1 * s }))).toEqual([]);
    expect(table.flush()).toEqual([expect.objectContaining({ conn_state: 'S0', orig_pkts: 1 })]);
  });

  it('expires idle flows as event time advances, checking at most once per interval', () => {
    const table = new FlowTable({ udpIdleTimeoutUs: 10 * s, expiryCheckIntervalUs: 5 * s });
    table.add(packet({ from: 'c', proto: 17, serverPort: 53 }));
    // Another flow's packets move time forward.
    expect(table.add(packet({ from: 'c', proto: 17, serverPort: 123, at: 9 * s }))).toEqual([]);
    expect(table.add(packet({ from: 'c', proto: 17, serverPort: 123, at: 11 * s }))).toEqual([]); // checked at 9 s: next check at 14 s
    expect(table.add(packet({ from: 'c', proto: 17, serverPort: 123, at: 14 * s }))).toEqual([expect.objectContaining({ resp_p: 53, close_reason: 'IDLE' })]);
    expect(table.size).toBe(1);
  });

  it('checks a flow\'s own timeout when its next packet arrives', () => {
    const table = new FlowTable({ udpIdleTimeoutUs: 10 * s, expiryCheckIntervalUs: 1000 * s });
    table.add(packet({ from: 'c', proto: 17 }));
    expect(table.add(packet({ from: 'c', proto: 17, at: 20 * s }))).toEqual([expect.objectContaining({ close_reason: 'IDLE', orig_pkts: 1 })]);
    expect(table.flush()).toEqual([expect.objectContaining({ close_reason: 'END', orig_pkts: 1, ts_us: packet({ from: 'c', at: 20 * s }).tsUs })]);
  });

  it('splits a long flow at the active timeout', () => {
    const table = new FlowTable({ activeTimeoutUs: 100 * s });
    const out = Array.from({ length: 25 }, (_, i) => table.add(packet({ from: 'c', proto: 17, at: i * 10 * s }))).flat();
    expect(out).toEqual([expect.objectContaining({ close_reason: 'ACTIVE', orig_pkts: 10 }), expect.objectContaining({ close_reason: 'ACTIVE', orig_pkts: 10 })]);
    expect(out[0].uid).not.toBe(out[1].uid);
  });

  it('advanceTo emits what timed out by then; flush emits the rest with END', () => {
    const table = new FlowTable();
    table.add(packet({ from: 'c', proto: 17, serverPort: 53 }));
    table.add(packet({ from: 'c', flags: F.SYN, at: 1 }));
    expect(table.advanceTo(packet({ from: 'c', at: 61 * s }).tsUs)).toEqual([expect.objectContaining({ proto: 'udp', close_reason: 'IDLE' })]);
    expect(table.flush()).toEqual([expect.objectContaining({ proto: 'tcp', conn_state: 'S0', close_reason: 'END' })]);
  });

  it('expires a quiet flow on time behind one that had a packet since (its place in the list lags by up to 1 s)', () => {
    const table = new FlowTable({ udpIdleTimeoutUs: 16 * s });
    const a = (at: number) => packet({ from: 'c', proto: 17, serverPort: 53, at });
    const b = (at: number) => packet({ from: 'c', proto: 17, serverPort: 123, at });
    table.add(a(0));
    table.add(b(0.1 * s));
    table.add(a(0.5 * s)); // within the slack: A keeps its place before B
    expect(table.advanceTo(T0 + 16.1 * s - 1)).toEqual([]);
    expect(table.advanceTo(T0 + 16.1 * s).map((r) => [r.resp_p, r.close_reason])).toEqual([[123, 'IDLE']]);
    expect(table.advanceTo(T0 + 16.5 * s).map((r) => [r.resp_p, r.close_reason, r.orig_pkts])).toEqual([[53, 'IDLE', 2]]);
  });

  it('keeps VLANs apart', () => {
    const table = new FlowTable();
    table.add(packet({ from: 'c', proto: 17, vlan: 10 }));
    table.add(packet({ from: 'c', proto: 17, vlan: 20 }));
    table.add(packet({ from: 's', proto: 17, vlan: 10 }));
    expect(table.flush().map((r) => [r.vlan, r.orig_pkts, r.resp_pkts, r.flow_key])).toEqual([
      [10, 1, 1, '17/10/10.0.0.5/49200/10.0.0.80/80'],
      [20, 1, 0, '17/20/10.0.0.5/49200/10.0.0.80/80'],
    ]);
  });
});

describe('FlowTable on IPv6', () => {
  // The test packets' client and server as IPv6 (the client's bytes are the lower, as for IPv4).
  const V6: Record<string, [string, number]> = { '10.0.0.5': ['2001:db8::5', 0x05], '10.0.0.80': ['2001:db8::50', 0x50] };
  const asV6 = (p: FlowPacket, withFrame: boolean): FlowPacket => {
    const [src, srcLast] = V6[p.src];
    const [dst, dstLast] = V6[p.dst];
    if (!withFrame) return { ...p, src, dst, ipVersion: 6 };
    const frame = Buffer.alloc(4 + 40);
    for (const [at, last] of [[4 + 8, srcLast], [4 + 24, dstLast]]) {
      frame.writeUInt32BE(0x20010db8, at);
      frame[at + 15] = last;
    }
    return { ...p, src, dst, frame, ipVersion: 6, ipOffset: 4 };
  };
  // Two TCP connections (one closed by FIN, then its ports reused), a UDP exchange, interleaved in time.
  const packets = [
    ...new TcpScript({ clientPort: 40001 }).handshake().send('c', F.PSH | F.ACK, 10).send('s', F.FIN | F.ACK).send('c', F.FIN | F.ACK).send('s', F.ACK).packets,
    ...new TcpScript({ clientPort: 40001, at: 500 }).handshake().send('s', F.PSH | F.ACK, 99).packets.map((p) => ({ ...p, tsUs: p.tsUs + 10 * s })),
    ...new TcpScript({ clientPort: 40002, at: 300 }).handshake().send('c', F.PSH | F.ACK, 7).packets,
    packet({ from: 'c', proto: 17, serverPort: 53, len: 30, at: 2500 }),
    packet({ from: 's', proto: 17, serverPort: 53, len: 90, at: 2600 }),
    // The UDP flow again after its idle timeout: the first is emitted, a new one opens on its tuple.
    packet({ from: 'c', proto: 17, serverPort: 53, len: 31, at: 100 * s }),
  ].sort((a, b) => a.tsUs - b.tsUs);

  function run(frameEvery: number): FlowRecord[] {
    // No expiry pass before the UDP flow's next packet: that packet finds it (by its tuple) timed out.
    const table = new FlowTable({ expiryCheckIntervalUs: 1000 * s });
    const out = packets.flatMap((p, i) => [...table.add(asV6(p, frameEvery > 0 && i % frameEvery === 0))]);
    return [...out, ...table.flush()];
  }

  it('gives the same records by frame bytes (every packet or every third) as by key strings', () => {
    const byKey = run(0);
    expect(byKey.map((r) => [r.orig_h, r.orig_p, r.resp_h, r.conn_state, r.close_reason, r.orig_pkts, r.resp_pkts])).toEqual([
      ['2001:db8::5', 40001, '2001:db8::50', 'SF', 'FIN', 4, 3],
      ['2001:db8::5', 49200, '2001:db8::50', 'SF', 'IDLE', 1, 1],
      ['2001:db8::5', 40002, '2001:db8::50', 'S1', 'END', 3, 1],
      ['2001:db8::5', 40001, '2001:db8::50', 'S1', 'END', 2, 2],
      ['2001:db8::5', 49200, '2001:db8::50', 'S0', 'END', 1, 0],
    ]);
    expect(byKey.map((r) => r.flow_key)).toContain('17/0/2001:db8::5/49200/2001:db8::50/53');
    expect(run(1)).toEqual(byKey);
    expect(run(3)).toEqual(byKey);
  });
});
