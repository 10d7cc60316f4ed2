// The flow path checked against an independent implementation: tshark's conversation statistics
// over the same capture must count the same TCP and UDP flows, with the same packets and wire
// bytes each way. TCP states are checked against what each scripted session did.
import { join } from 'node:path';
import type { FlowRecord } from '@ids/contracts';
import { flowsFromCapture, type CaptureFlows } from '../../fixtures/capture-flows';
import { byteCountMatches, tsharkConversations, type TsharkConversation } from '../../fixtures/tshark-conv';

const CAPTURE = join(__dirname, 'capture.pcap');

const endpointPair = (proto: string, a: string, pa: number, b: string, pb: number) =>
  `${proto} ${[`${a}#${pa}`, `${b}#${pb}`].sort().join(' ')}`;

describe('skeleton capture: flows vs tshark', () => {
  let result: CaptureFlows;
  let conversations: TsharkConversation[];
  beforeAll(async () => {
    result = await flowsFromCapture(CAPTURE);
    conversations = tsharkConversations(CAPTURE);
  });
  const transportFlows = () => result.flows.filter((f) => f.proto === 'tcp' || f.proto === 'udp');

  it('finds as many TCP and UDP flows as tshark has conversations', () => {
    expect(conversations.filter((c) => c.proto === 'tcp')).toHaveLength(8);
    expect(conversations.filter((c) => c.proto === 'udp')).toHaveLength(4);
    expect(transportFlows().filter((f) => f.proto === 'tcp')).toHaveLength(8);
    expect(transportFlows().filter((f) => f.proto === 'udp')).toHaveLength(4);
  });

  it('counts the same packets and wire bytes each way for every flow', () => {
    const ours = new Map<string, FlowRecord>();
    for (const f of transportFlows()) ours.set(endpointPair(f.proto, f.orig_h, f.orig_p, f.resp_h, f.resp_p), f);
    for (const c of conversations) {
      const flow = ours.get(endpointPair(c.proto, c.addressA, c.portA, c.addressB, c.portB));
      expect(flow).toBeDefined();
      if (flow === undefined) continue;
      const aIsOrig = flow.orig_h === c.addressA && flow.orig_p === c.portA;
      const [aPkts, aBytes, bPkts, bBytes] = aIsOrig
        ? [flow.orig_pkts, flow.orig_wire_bytes, flow.resp_pkts, flow.resp_wire_bytes]
        : [flow.resp_pkts, flow.resp_wire_bytes, flow.orig_pkts, flow.orig_wire_bytes];
      const where = `${c.proto} ${c.addressA}:${c.portA} <-> ${c.addressB}:${c.portB}`;
      expect({ where, frames: flow.orig_pkts + flow.resp_pkts, aToB: aPkts, bToA: bPkts }).toEqual({ where, frames: c.frames, aToB: c.framesAToB, bToA: c.framesBToA });
      expect({ where, total: byteCountMatches(c.bytes, aBytes + bBytes), aToB: byteCountMatches(c.bytesAToB, aBytes), bToA: byteCountMatches(c.bytesBToA, bBytes) })
        .toEqual({ where, total: true, aToB: true, bToA: true });
    }
  });

  it('ends each TCP session in the state its script left it', () => {
    const byResponder = Object.fromEntries(
      result.flows.filter((f) => f.proto === 'tcp').map((f) => [`${f.orig_h}:${f.orig_p}>${f.resp_h}:${f.resp_p}`, [f.conn_state, f.history, f.close_reason, f.service]]),
    );
    expect(byResponder).toEqual({
      '192.168.10.21:49812>93.184.216.34:80': ['SF', 'ShADadFf', 'FIN', 'http'],
      '192.168.10.22:50144>10.20.0.8:8080': ['SF', 'ShADdfFa', 'FIN', 'http'],
      '192.168.10.21:49820>151.101.1.69:443': ['SF', 'ShADadFf', 'FIN', 'https'],
      '192.168.10.23:51000>93.184.216.34:80': ['RSTO', 'ShADaR', 'RST', 'http'],
      '192.168.10.23:51002>192.168.10.9:3389': ['REJ', 'Sr', 'RST', 'rdp'],
      '192.168.10.22:50200>203.0.113.50:22': ['S0', 'S', 'END', 'ssh'],
      '2001:db8:10::21:50500>2001:db8:20::5:22': ['SF', 'ShAdDaFf', 'FIN', 'ssh'],
      '10.100.0.10:40000>10.100.0.20:25': ['SF', 'ShAdDafF', 'FIN', 'smtp'],
    });
  });

  it('keeps the VLAN of the tagged flow, and none on the others', () => {
    const tagged = result.flows.filter((f) => f.vlan !== null);
    expect(tagged.map((f) => [f.vlan, f.flow_key])).toEqual([[100, '6/100/10.100.0.10/40000/10.100.0.20/25']]);
  });

  it('pairs ICMP echo requests with their replies, and skips ARP', () => {
    const icmp = result.flows.filter((f) => f.proto === 'icmp' || f.proto === 'icmp6');
    expect(icmp.map((f) => [f.proto, f.orig_h, f.orig_p, f.resp_h, f.resp_p, f.orig_pkts, f.resp_pkts])).toEqual([
      ['icmp', '192.168.10.21', 8, '8.8.8.8', 0, 3, 3],
      ['icmp6', '2001:db8:10::21', 128, '2001:db8:20::5', 129, 1, 1],
    ]);
    expect(result.failures).toEqual({ arp: 2 });
    expect(result.frames).toBe(99);
  });

  it('reports UDP flows with payload bytes and services', () => {
    const udp = result.flows.filter((f) => f.proto === 'udp').map((f) => [f.orig_p, f.resp_p, f.service, f.conn_state, f.history, f.orig_bytes > 0, f.resp_pkts]);
    expect(udp).toEqual(expect.arrayContaining([
      [53001, 53, 'dns', 'SF', 'Dd', true, 1],
      [53002, 53, 'dns', 'SF', 'Dd', true, 1],
      [53003, 53, 'dns', 'SF', 'Dd', true, 1],
      [123, 123, 'ntp', 'S0', 'D', true, 0],
    ]));
  });

  it('gives every flow a distinct uid and safe-integer flow_id', () => {
    expect(new Set(result.flows.map((f) => f.uid)).size).toBe(result.flows.length);
    expect(new Set(result.flows.map((f) => f.flow_id)).size).toBe(result.flows.length);
    for (const f of result.flows) expect(Number.isSafeInteger(f.flow_id)).toBe(true);
  });

  it('is the same on a second run (deterministic ids and order)', async () => {
    expect((await flowsFromCapture(CAPTURE)).flows).toEqual(result.flows);
  });
});
