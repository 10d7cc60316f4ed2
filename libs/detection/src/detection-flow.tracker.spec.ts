import { DetectionFlowTracker, flowTupleOf, type FlowTuple } from './detection-flow.tracker';

const SYN = 0x02, ACK = 0x10, RST = 0x04, FIN = 0x01, PSH = 0x08;
const C = { src: '10.0.0.1', srcPort: 40000 };
const S = { src: '10.0.0.2', srcPort: 80 };

describe('DetectionFlowTracker', () => {
  it.each([
    ['handshake then data', [[C, SYN], [S, SYN | ACK], [C, ACK], [C, PSH | ACK], [S, ACK]], [[true, false], [false, false], [true, false], [true, true], [false, true]]],
    ['SYN-ACK seen first: its receiver is the client', [[S, SYN | ACK], [C, ACK], [S, ACK]], [[false, false], [true, false], [false, false]]],
    ['mid-stream: first sender is the client, never established', [[C, ACK], [S, ACK], [C, ACK]], [[true, false], [false, false], [true, false]]],
    ['RST closes', [[C, SYN], [S, SYN | ACK], [C, ACK], [C, RST], [C, ACK]], [[true, false], [false, false], [true, false], [true, true], [true, false]]],
    ['FIN both ways closes', [[C, SYN], [S, SYN | ACK], [C, ACK], [C, FIN | ACK], [S, FIN | ACK], [C, ACK]], [[true, false], [false, false], [true, false], [true, true], [false, true], [true, false]]],
  ] as const)('tcp: %s', (_name, packets, expected) => {
    const t = new DetectionFlowTracker(() => ({}));
    const got = packets.map(([ep, flags], i) => {
      const o = t.observe('k', { tsUs: i, ipProto: 6, tcpFlags: flags, ...ep });
      return [o.toServer, o.established];
    });
    expect(got).toEqual(expected);
  });

  it('observe into a reused object gives what a fresh one gives, and returns that object', () => {
    const fresh = new DetectionFlowTracker(() => ({}));
    const reused = new DetectionFlowTracker(() => ({}));
    const out = { flow: null!, toServer: false, established: false, started: false };
    const packets = [[C, SYN], [S, SYN | ACK], [C, ACK], [C, PSH | ACK], [S, FIN | ACK]] as const;
    packets.forEach(([ep, flags], i) => {
      const pkt = { tsUs: i, ipProto: 6, tcpFlags: flags, ...ep };
      const a = fresh.observe('k', pkt);
      const b = reused.observe('k', pkt, undefined, out);
      expect(b).toBe(out);
      expect([b.toServer, b.established, b.started, b.flow.firstTsUs]).toEqual([a.toServer, a.established, a.started, a.flow.firstTsUs]);
    });
  });

  it('udp: established from the first reply', () => {
    const t = new DetectionFlowTracker(() => ({}));
    const got = [C, C, S, C].map((ep, i) => t.observe('u', { tsUs: i, ipProto: 17, tcpFlags: 0, ...ep })).map((o) => [o.toServer, o.established]);
    expect(got).toEqual([[true, false], [true, false], [false, true], [true, true]]);
  });

  it('expires idle flows in event time and tells the owner; a SYN after a close starts a new flow', () => {
    const dropped: string[] = [];
    const t = new DetectionFlowTracker(() => ({}), { maxFlows: 2, idleTimeoutUs: 100 }, (k) => dropped.push(k));
    t.observe('a', { tsUs: 0, ipProto: 17, tcpFlags: 0, ...C });
    t.observe('b', { tsUs: 50, ipProto: 17, tcpFlags: 0, ...C });
    expect(t.observe('b', { tsUs: 120, ipProto: 17, tcpFlags: 0, ...C }).started).toBe(false);
    expect(dropped).toEqual(['a']);
    t.observe('c', { tsUs: 121, ipProto: 6, tcpFlags: RST, ...C });
    const reuse = t.observe('c', { tsUs: 122, ipProto: 6, tcpFlags: SYN, ...C });
    expect([reuse.started, reuse.flow.firstTsUs, t.counters.reused]).toEqual([true, 122, 1]);
  });

  it('evicts the least recently active flow at maxFlows', () => {
    const t = new DetectionFlowTracker(() => ({}), { maxFlows: 2, idleTimeoutUs: 1e9 });
    for (const k of ['a', 'b', 'a', 'c']) t.observe(k, { tsUs: 0, ipProto: 17, tcpFlags: 0, ...C });
    expect([t.get('a') !== undefined, t.get('b') !== undefined, t.counters.evicted]).toEqual([true, false, 1]);
  });

  it('finds flows by tuple: flows sharing a hash stay apart, dropping one keeps the others', () => {
    const tuple = (a: number): FlowTuple => ({ hash: 7, exact: true, a, b: 2, ports: 3, protoVlan: 17 << 16 });
    const dropped: string[] = [];
    const t = new DetectionFlowTracker(() => ({}), { maxFlows: 10, idleTimeoutUs: 100 }, (k) => dropped.push(k));
    expect(t.observe('x', { tsUs: 0, ipProto: 17, tcpFlags: 0, ...C }, tuple(1)).started).toBe(true);
    expect(t.observe('y', { tsUs: 1, ipProto: 17, tcpFlags: 0, ...C }, tuple(2)).started).toBe(true);
    expect(t.observe('z', { tsUs: 2, ipProto: 17, tcpFlags: 0, ...C }, tuple(3)).started).toBe(true);
    expect(t.observe('y', { tsUs: 50, ipProto: 17, tcpFlags: 0, ...S }, tuple(2)).established).toBe(true);
    expect(t.expire(102)).toBe(2);
    expect(dropped).toEqual(['x', 'z']);
    expect([t.size, t.get('y', tuple(2))?.firstTsUs, t.get('x', tuple(1))]).toEqual([1, 1, undefined]);
  });

  it('flowTupleOf gives both directions of an IPv4 flow the same exact tuple, another port another one', () => {
    const frame = new Uint8Array(40);
    frame.set([10, 0, 0, 1, 10, 0, 0, 2], 12);
    const pkt = { ipVersion: 4, ipOffset: 0, addressOrder: -1, srcPort: 40000, dstPort: 80, ipProto: 6, vlan: null };
    const there = { ...flowTupleOf(frame, pkt, {} as FlowTuple) };
    const back = new Uint8Array(40);
    back.set([10, 0, 0, 2, 10, 0, 0, 1], 12);
    const reply = { ...flowTupleOf(back, { ...pkt, addressOrder: 1, srcPort: 80, dstPort: 40000 }, {} as FlowTuple) };
    const other = flowTupleOf(frame, { ...pkt, srcPort: 40001 }, {} as FlowTuple);
    expect(there.exact).toBe(true);
    expect(reply).toEqual(there);
    expect(other.hash).not.toBe(there.hash);
  });
});
