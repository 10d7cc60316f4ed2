import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, TCP, arpPacket, ethernetFrame, icmpPacket, ipPacket, tcpPacket, udpPacket } from '../../../test/fixtures/frame.builder';
import { decodeFrameInto, decodePacket, decodePacketInto } from './packet.decoder';
import { PacketView } from './packet.view';

const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const v4 = { src: '192.168.1.20', dst: '10.0.0.1', ttl: 61 };
const v6 = { src: '2001:db8::20', dst: '2001:db8::1', ttl: 33 };
const TS = 1_705_312_800_123_456;

const frames: [string, Buffer, number][] = [
  ['IPv4 TCP with options', ethernetFrame(eth, ETHERTYPE_IPV4, tcpPacket(v4, { srcPort: 49200, dstPort: 80, seq: 7, ack: 0, flags: TCP.SYN, window: 1024, options: Buffer.from([2, 4, 5, 180, 1, 3, 3, 7]) })), 1],
  ['IPv6 UDP', ethernetFrame(eth, ETHERTYPE_IPV6, udpPacket(v6, { srcPort: 5353, dstPort: 53 }, Buffer.from('query'))), 1],
  ['IPv4 ICMP echo, tagged VLAN 12', ethernetFrame({ ...eth, vlans: [12] }, ETHERTYPE_IPV4, icmpPacket(v4, { type: 8, code: 0 })), 1],
  ['raw IPv4 (link type 101, IP at offset 0)', ipPacket(v4, 47, Buffer.alloc(8)), 101],
  ['IPv6 TCP with payload', ethernetFrame(eth, ETHERTYPE_IPV6, tcpPacket(v6, { srcPort: 443, dstPort: 50000, seq: 1, ack: 2, flags: TCP.ACK | TCP.PSH, window: 0 }, Buffer.alloc(100, 1))), 1],
];

describe('decodePacketInto', () => {
  it.each(frames)('%s: the same packet as decodePacket, one view reused across all frames', (_name, frame, linkType) => {
    const view = new PacketView();
    // Decode every other frame into the view first, so nothing of a previous packet may leak.
    for (const [, other, otherLink] of frames) {
      decodePacketInto(view, other, otherLink, TS - 1, other.length + 4);
      void view.src;
    }
    expect(decodePacketInto(view, frame, linkType, TS, frame.length + 4)).toBeNull();
    const plain = decodePacket(frame, linkType, TS, frame.length + 4);
    expect(view.toPacket()).toEqual(plain);
    expect([view.src, view.dst]).toEqual(plain.ok ? [plain.src, plain.dst] : []);
    expect(view.frame).toBe(frame);
  });

  it('gives the same failure as decodePacket for a frame that is no IP packet', () => {
    const frame = ethernetFrame(eth, ETHERTYPE_ARP, arpPacket({ op: 1, senderMac: eth.src, senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' }));
    const view = new PacketView();
    expect(decodePacketInto(view, frame, 1, TS)).toEqual(decodePacket(frame, 1, TS));
    expect(decodePacketInto(view, frame.subarray(0, 10), 1, TS)).toEqual(decodePacket(frame.subarray(0, 10), 1, TS));
    expect(view.src).toBe('');
  });

  it('formats an address only when it is read, and keeps one set by a decoder', () => {
    const frame = ethernetFrame(eth, ETHERTYPE_IPV4, udpPacket(v4, { srcPort: 1, dstPort: 2 }, Buffer.alloc(0)));
    const view = new PacketView();
    decodePacketInto(view, frame, 1, TS);
    const copy = Buffer.from(frame);
    view.reset(copy, TS, copy.length, 1);
    decodePacketInto(view, copy, 1, TS);
    copy[14 + 12] = 172; // changed before the first read: the view reads the frame as it is now
    expect(view.src).toBe('172.168.1.20');
    copy[14 + 12] = 10; // after the first read: the text is kept
    expect(view.src).toBe('172.168.1.20');
    view.dst = 'set';
    expect(view.dst).toBe('set');
  });
});

describe('decodeFrameInto', () => {
  // Every frame whole and cut short at several lengths (snap lengths, garbage), each placed at an
  // offset inside a larger buffer, with bytes before and after that are not the frame's.
  const cuts = frames.flatMap(([name, frame, linkType]) =>
    [frame.length, frame.length - 1, 60, 54, 40, 34, 20, 14, 3, 0].filter((n) => n >= 0 && n <= frame.length).map((n): [string, Buffer, number] => [`${name}, first ${n} bytes`, frame.subarray(0, n), linkType]));
  const shifted = (p: Record<string, unknown>, by: number) => ({ ...p, ipOffset: (p.ipOffset as number) - by, transportOffset: (p.transportOffset as number) - by, payloadOffset: (p.payloadOffset as number) - by });

  it.each(cuts)('%s: what decodePacketInto gives for the frame alone, offsets in the buffer', (_name, frame, linkType) => {
    for (const [before, after] of [[0, 0], [0, 200], [37, 0], [37, 200]]) {
      const buf = Buffer.concat([Buffer.alloc(before, 0xab), frame, Buffer.alloc(after, 0xff)]);
      const view = new PacketView();
      const alone = new PacketView();
      const failure = decodeFrameInto(view, buf, before, before + frame.length, linkType, TS, frame.length + 4);
      const expected = decodePacketInto(alone, Buffer.from(frame), linkType, TS, frame.length + 4);
      expect(failure).toEqual(expected);
      if (failure !== null) continue;
      expect(shifted(view.toPacket() as unknown as Record<string, unknown>, before)).toEqual(alone.toPacket());
      expect([view.src, view.dst]).toEqual([alone.src, alone.dst]);
      expect(view.frame).toBe(buf);
      expect(view.capturedLength).toBe(frame.length);
    }
  });
});
