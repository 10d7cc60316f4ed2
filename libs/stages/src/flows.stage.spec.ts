import { ALL_TOPICS, TOPICS, type FlowRecord, type PacketRecord } from '@ids/contracts';
import { EmbeddedRuntime, InMemoryLog, endOfInput, partitionForKey, watermark } from '@ids/topology';
import { ETHERTYPE_IPV4, ethernetFrame, TCP, tcpPacket, udpPacket } from '../../../test/fixtures/frame.builder';
import { flowKeyOfFrame } from './frame-key';
import { flowsTopology } from './flows.stage';

// The flows stage as a specification, on the embedded runtime with the stage's real topology.
const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const client = { src: '10.0.0.1', dst: '10.0.0.2' };
const server = { src: '10.0.0.2', dst: '10.0.0.1' };
const S = 1_000_000;

function driver(options: Parameters<typeof flowsTopology>[0] = {}) {
  const log = new InMemoryLog();
  for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
  const runtime = new EmbeddedRuntime(log, [flowsTopology(options)]);
  runtime.start();
  let seq = 0;
  const send = (tsUs: number, ip: Buffer, raw = false) => {
    const data = raw ? ip : ethernetFrame(eth, ETHERTYPE_IPV4, ip);
    const key = flowKeyOfFrame({ tsUs, originalLength: data.length, linkType: 1, data });
    const value: PacketRecord = { ts_us: tsUs, capture_id: 't', seq: seq++, interface: 't', link_type: 1, original_length: data.length, data };
    log.append(TOPICS.packets.name, key === null ? 0 : partitionForKey(key, TOPICS.packets.partitions), { key, value, timestampUs: tsUs });
  };
  const broadcast = (record: ReturnType<typeof watermark>) => {
    for (let p = 0; p < TOPICS.packets.partitions; p++) log.append(TOPICS.packets.name, p, record);
  };
  const flows = (): FlowRecord[] => Array.from({ length: TOPICS.flows.partitions }, (_, p) => log.read(TOPICS.flows.name, p, 0, 1e6))
    .flat().map((r) => r.record).filter((r) => !r.control).map((r) => r.value as FlowRecord);
  return { send, broadcast, flows, run: () => runtime.runUntilIdle(), runtime };
}

const handshake = (d: ReturnType<typeof driver>, t: number) => {
  d.send(t, tcpPacket(client, { srcPort: 40000, dstPort: 80, seq: 100, ack: 0, flags: TCP.SYN }));
  d.send(t + 1000, tcpPacket(server, { srcPort: 80, dstPort: 40000, seq: 500, ack: 101, flags: TCP.SYN | TCP.ACK }));
  d.send(t + 2000, tcpPacket(client, { srcPort: 40000, dstPort: 80, seq: 101, ack: 501, flags: TCP.ACK }));
};

describe('flows stage', () => {
  it('shouldEmitFlowOnFinFromBothSidesAcknowledged', async () => {
    const d = driver();
    handshake(d, 0);
    d.send(3000, tcpPacket(client, { srcPort: 40000, dstPort: 80, seq: 101, ack: 501, flags: TCP.FIN | TCP.ACK }));
    d.send(4000, tcpPacket(server, { srcPort: 80, dstPort: 40000, seq: 501, ack: 102, flags: TCP.FIN | TCP.ACK }));
    d.send(5000, tcpPacket(client, { srcPort: 40000, dstPort: 80, seq: 102, ack: 502, flags: TCP.ACK }));
    await d.run();
    expect(d.flows().map((f) => [f.orig_h, f.orig_p, f.resp_h, f.resp_p, f.orig_pkts, f.resp_pkts, f.conn_state, f.close_reason]))
      .toEqual([['10.0.0.1', 40000, '10.0.0.2', 80, 4, 2, 'SF', 'FIN']]);
  });

  it('shouldKeepAnOpenFlowUntilItsIdleTimeoutPassesInEventTime', async () => {
    const d = driver({ idleTimeoutS: 10 });
    handshake(d, 0);
    d.broadcast(watermark(9 * S));
    await d.run();
    expect(d.flows()).toEqual([]);
    d.broadcast(watermark(11 * S));
    await d.run();
    expect(d.flows().map((f) => [f.close_reason, f.orig_pkts + f.resp_pkts])).toEqual([['IDLE', 3]]);
  });

  it('shouldEmitEveryOpenFlowAtEndOfInput', async () => {
    const d = driver();
    handshake(d, 0);
    d.send(10, udpPacket(client, { srcPort: 5353, dstPort: 53 }, Buffer.from('query')));
    d.broadcast(endOfInput(2000));
    await d.run();
    expect(d.flows().map((f) => `${f.proto} ${f.close_reason}`).sort()).toEqual(['tcp END', 'udp END']);
  });

  it('ends only the flows of a round up to its end time (a shared packets topic)', async () => {
    const d = driver();
    d.send(10, udpPacket(client, { srcPort: 5353, dstPort: 53 }, Buffer.from('replay a')));
    // Another replay's flow, written before the end of "a" is read: it stays open.
    handshake(d, 10 * S);
    d.broadcast(endOfInput(10, { round: 'a' }));
    await d.run();
    expect(d.flows().map((f) => `${f.proto} ${f.close_reason}`)).toEqual(['udp END']);
    d.broadcast(endOfInput(10 * S + 2000, { round: 'b' }));
    await d.run();
    expect(d.flows().map((f) => `${f.proto} ${f.close_reason}`).sort()).toEqual(['tcp END', 'udp END']);
  });

  it('shouldCountAFrameThatDoesNotDecodeAndCarryOn', async () => {
    const d = driver();
    // An Ethernet header announcing IPv4, then two bytes of it: cut short on the wire.
    d.send(0, Buffer.concat([Buffer.alloc(12, 2), Buffer.from([0x08, 0x00, 0x45, 0x00])]), true);
    handshake(d, 1000);
    d.broadcast(endOfInput(5000));
    await d.run();
    expect(d.flows()).toHaveLength(1);
    expect(d.runtime.taskCounters().get('ids-flows:decode-malformed:truncated-ipv4')).toBe(1);
  });

  it('pins the stage topology', () => {
    expect(flowsTopology().describe()).toBe([
      'Topology: ids-flows',
      '  Source: packets-source (topics: [ids.packets.v1])',
      '    --> flow-table',
      '  Processor: flow-table (stores: [flow-table])',
      '    --> flows-sink',
      '    <-- packets-source',
      '  Sink: flows-sink (topic: ids.flows.v1)',
      '    <-- flow-table',
      '  Store: flow-table (changelog: ids-flows-flow-table-changelog)',
      '',
    ].join('\n'));
  });
});
