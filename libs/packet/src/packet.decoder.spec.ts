import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  TCP,
  arpPacket,
  ethernetFrame,
  icmpPacket,
  ipPacket,
  tcpPacket,
  udpPacket,
} from '../../../test/fixtures/frame.builder';
import { DECODE_FAILURE_KIND, type DecodedPacket, type DecodeFailure, type DecodeResult } from './decoded-packet';
import { decodePacket } from './packet.decoder';

const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const v4 = { src: '192.168.1.20', dst: '10.0.0.1', ttl: 61 };
const v6 = { src: '2001:db8::20', dst: '2001:db8::1', ttl: 33 };
const TS = 1_705_312_800_123_456;
const syn = { srcPort: 49200, dstPort: 80, seq: 0xfffffff0, ack: 0, flags: TCP.SYN, window: 1024 };

function ok(result: DecodeResult): DecodedPacket {
  if (!result.ok) throw new Error(`decode failed: ${result.reason} at ${result.offset} (${result.detail})`);
  return result;
}
function failed(result: DecodeResult): DecodeFailure {
  if (result.ok) throw new Error('decode succeeded');
  return result;
}
/** A frame with its bytes changed: `patch(frame)` edits a copy. */
function patched(frame: Buffer, patch: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(frame);
  patch(copy);
  return copy;
}

const tcpV4 = ethernetFrame(eth, ETHERTYPE_IPV4, tcpPacket(v4, { ...syn, flags: TCP.ACK | TCP.PSH, seq: 1000, ack: 2000 }, Buffer.from('GET / HTTP/1.1\r\n\r\n')));
const whoHas = { op: 1, senderMac: eth.src, senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' } as const;
const arpV4 = ethernetFrame(eth, ETHERTYPE_ARP, arpPacket(whoHas));
/** `frame` (Ethernet / IPv4) with `options` inserted after the fixed IPv4 header, IHL and total length fixed. */
function withIpv4Options(frame: Buffer, options: number[]): Buffer {
  const out = Buffer.concat([frame.subarray(0, 34), Buffer.from(options), frame.subarray(34)]);
  out[14] = 0x40 | ((20 + options.length) / 4);
  out.writeUInt16BE(out.readUInt16BE(16) + options.length, 16);
  return out;
}
const udpV4 = ethernetFrame(eth, ETHERTYPE_IPV4, udpPacket(v4, { srcPort: 5353, dstPort: 53 }, Buffer.from('abc')));

describe('decodePacket', () => {
  it('decodes Ethernet / IPv4 / TCP into one flat record', () => {
    expect(decodePacket(tcpV4, 1, TS)).toEqual({
      ok: true,
      tsUs: TS,
      wireLength: tcpV4.length,
      capturedLength: tcpV4.length,
      linkType: 1,
      vlan: null,
      innerVlan: null,
      ipVersion: 4,
      ipOffset: 14,
      src: '192.168.1.20',
      dst: '10.0.0.1',
      addressOrder: 1,
      ttl: 61,
      ipProto: 6,
      ipBytes: 20 + 20 + 18,
      fragment: false,
      ipOptionsMalformed: false,
      srcPort: 49200,
      dstPort: 80,
      icmpType: -1,
      icmpCode: -1,
      tcpFlags: TCP.ACK | TCP.PSH,
      tcpSeq: 1000,
      tcpAck: 2000,
      tcpWindow: 1024,
      tcpMss: -1,
      tcpWindowScale: -1,
      tcpSackPermitted: false,
      tcpSackBlocks: 0,
      tcpTsVal: -1,
      tcpTsEcr: -1,
      tcpOptionsMalformed: false,
      transportOffset: 34,
      transportHeaderLength: 20,
      payloadOffset: 54,
      payloadLength: 18,
    } satisfies DecodedPacket);
  });

  // Table: frame, link type, then the fields that matter for the case.
  const cases: [string, Buffer, number, Partial<DecodedPacket>][] = [
    ['a SYN with options and a wrapping sequence number', ethernetFrame(eth, ETHERTYPE_IPV4, tcpPacket(v4, { ...syn, options: Buffer.from([2, 4, 5, 0xb4, 1, 3, 3, 7]) })), 1,
      { tcpFlags: TCP.SYN, tcpSeq: 0xfffffff0, transportHeaderLength: 28, payloadOffset: 62, payloadLength: 0, ipBytes: 48, tcpMss: 1460, tcpWindowScale: 7, tcpOptionsMalformed: false }],
    ['IPv4 options (router alert) skipped by IHL', withIpv4Options(udpV4, [148, 4, 0, 0]), 1,
      { ipOffset: 14, transportOffset: 38, srcPort: 5353, dstPort: 53, payloadLength: 3, ipOptionsMalformed: false }],
    ['IPv4 options with a bad length: kept, flagged', withIpv4Options(udpV4, [1, 7, 9, 0]), 1,
      { transportOffset: 38, srcPort: 5353, ipOptionsMalformed: true }],
    ['IPv4 option of length 0: kept, flagged', withIpv4Options(udpV4, [130, 0, 0, 0]), 1,
      { transportOffset: 38, srcPort: 5353, ipOptionsMalformed: true }],
    ['UDP padded to 60 bytes (lengths from the headers, not the frame)', udpV4, 1,
      { wireLength: 60, capturedLength: 60, ipProto: 17, srcPort: 5353, dstPort: 53, ipBytes: 31, transportHeaderLength: 8, payloadOffset: 42, payloadLength: 3 }],
    ['an 802.1Q tag', ethernetFrame({ ...eth, vlans: [100] }, ETHERTYPE_IPV4, udpPacket(v4, { srcPort: 1, dstPort: 2 }, Buffer.alloc(40))), 1,
      { vlan: 100, innerVlan: null, ipOffset: 18, srcPort: 1, dstPort: 2, payloadLength: 40 }],
    ['QinQ tags (outer VLAN kept)', ethernetFrame({ ...eth, vlans: [300, 42] }, ETHERTYPE_IPV4, udpPacket(v4, { srcPort: 1, dstPort: 2 }, Buffer.alloc(40))), 1,
      { vlan: 300, innerVlan: 42, ipOffset: 22 }],
    ['802.1ad outer tag', patched(ethernetFrame({ ...eth, vlans: [7, 8] }, ETHERTYPE_IPV4, udpPacket(v4, { srcPort: 1, dstPort: 2 }, Buffer.alloc(40))), (b) => b.writeUInt16BE(0x88a8, 12)), 1,
      { vlan: 7, innerVlan: 8, ipOffset: 22 }],
    ['IPv6 / TCP', ethernetFrame(eth, ETHERTYPE_IPV6, tcpPacket(v6, syn, Buffer.alloc(10))), 1,
      { ipVersion: 6, src: '2001:db8::20', dst: '2001:db8::1', addressOrder: 1, ttl: 33, ipProto: 6, ipBytes: 70, srcPort: 49200, payloadOffset: 74, payloadLength: 10 }],
    ['IPv6 hop-by-hop and destination options skipped',
      ethernetFrame(eth, ETHERTYPE_IPV6, ipPacket(v6, 0, Buffer.concat([Buffer.from([60, 0, 1, 4, 0, 0, 0, 0]), Buffer.from([17, 1, ...Array(14).fill(1)]), udpPacket(v6, { srcPort: 7, dstPort: 9 }, Buffer.alloc(4)).subarray(40)]))), 1,
      { ipProto: 17, transportOffset: 78, srcPort: 7, dstPort: 9, ipBytes: 40 + 8 + 16 + 12, payloadLength: 4 }],
    ['IPv6 first fragment (ports decoded)',
      ethernetFrame(eth, ETHERTYPE_IPV6, ipPacket(v6, 44, Buffer.concat([Buffer.from([17, 0, 0, 1, 0, 0, 0, 9]), udpPacket(v6, { srcPort: 7, dstPort: 9 }, Buffer.alloc(4)).subarray(40)]))), 1,
      { fragment: true, ipProto: 17, srcPort: 7, dstPort: 9 }],
    ['IPv6 later fragment (no transport header)',
      ethernetFrame(eth, ETHERTYPE_IPV6, ipPacket(v6, 44, Buffer.concat([Buffer.from([17, 0, 0, 0x18, 0, 0, 0, 9]), Buffer.alloc(24)]))), 1,
      { fragment: true, ipProto: 17, srcPort: 0, dstPort: 0, transportOffset: 62, payloadLength: 24 }],
    ['IPv4 first fragment (MF set)', patched(udpV4, (b) => b.writeUInt16BE(0x2000, 20)), 1,
      { fragment: true, srcPort: 5353 }],
    ['IPv4 later fragment (offset > 0: no transport)', patched(udpV4, (b) => b.writeUInt16BE(0x0010, 20)), 1,
      { fragment: true, srcPort: 0, dstPort: 0, payloadOffset: 34, payloadLength: 11 }],
    ['IPv4 first fragment too short for its TCP header (tiny fragment): kept, ports 0',
      patched(ethernetFrame(eth, ETHERTYPE_IPV4, ipPacket(v4, 6, tcpPacket(v4, syn).subarray(20, 28))), (b) => b.writeUInt16BE(0x2000, 20)), 1,
      { fragment: true, ipProto: 6, srcPort: 0, dstPort: 0, transportHeaderLength: 0, payloadOffset: 34, payloadLength: 8 }],
    ['IPv6 first fragment too short for its TCP header: kept, ports 0',
      ethernetFrame(eth, ETHERTYPE_IPV6, ipPacket(v6, 44, Buffer.concat([Buffer.from([6, 0, 0, 1, 0, 0, 0, 9]), Buffer.alloc(8)]))), 1,
      { fragment: true, ipProto: 6, srcPort: 0, transportHeaderLength: 0, payloadLength: 8 }],
    ['IPv4 total length 0 (segmentation offload)', patched(tcpV4, (b) => b.writeUInt16BE(0, 16)), 1,
      { ipBytes: tcpV4.length - 14, payloadLength: 18 }],
    ['an unknown IP protocol (GRE)', ethernetFrame(eth, ETHERTYPE_IPV4, ipPacket(v4, 47, Buffer.alloc(30))), 1,
      { ipProto: 47, srcPort: 0, dstPort: 0, transportHeaderLength: 0, payloadOffset: 34, payloadLength: 30 }],
    ['ICMP echo request: ports 8 -> 0', ethernetFrame(eth, ETHERTYPE_IPV4, icmpPacket(v4, { type: 8, code: 0, id: 1, seq: 2 }, Buffer.alloc(56))), 1,
      { ipProto: 1, icmpType: 8, icmpCode: 0, srcPort: 8, dstPort: 0, transportHeaderLength: 8, payloadLength: 56 }],
    ['ICMP echo reply: ports 0 -> 8', ethernetFrame(eth, ETHERTYPE_IPV4, icmpPacket(v4, { type: 0, code: 0 }, Buffer.alloc(56))), 1,
      { icmpType: 0, srcPort: 0, dstPort: 8 }],
    ['ICMP port unreachable: ports 3 -> code 3', ethernetFrame(eth, ETHERTYPE_IPV4, icmpPacket(v4, { type: 3, code: 3 }, Buffer.alloc(28))), 1,
      { icmpType: 3, icmpCode: 3, srcPort: 3, dstPort: 3 }],
    ['ICMPv6 echo request: ports 128 -> 129', ethernetFrame(eth, ETHERTYPE_IPV6, icmpPacket(v6, { type: 128, code: 0 }, Buffer.alloc(8))), 1,
      { ipProto: 58, icmpType: 128, srcPort: 128, dstPort: 129, payloadLength: 8 }],
    ['raw IP (101) carrying IPv4', tcpPacket(v4, syn), 101, { ipVersion: 4, ipOffset: 0, srcPort: 49200 }],
    ['raw IP (101) carrying IPv6', tcpPacket(v6, syn), 101, { ipVersion: 6, ipOffset: 0, srcPort: 49200 }],
    ['LINKTYPE_IPV4 (228)', tcpPacket(v4, syn), 228, { ipVersion: 4, srcPort: 49200 }],
    ['LINKTYPE_IPV6 (229)', tcpPacket(v6, syn), 229, { ipVersion: 6, srcPort: 49200 }],
    ['Linux SLL (113)', Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00]), tcpPacket(v4, syn)]), 113, { ipOffset: 16, srcPort: 49200 }],
    ['Linux SLL2 (276)', Buffer.concat([Buffer.from([0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]), tcpPacket(v6, syn)]), 276, { ipOffset: 20, ipVersion: 6 }],
    ['BSD null (0), little-endian AF_INET', Buffer.concat([Buffer.from([2, 0, 0, 0]), tcpPacket(v4, syn)]), 0, { ipOffset: 4, ipVersion: 4 }],
    ['BSD null (0), big-endian AF_INET6 (macOS 30)', Buffer.concat([Buffer.from([0, 0, 0, 30]), tcpPacket(v6, syn)]), 0, { ipOffset: 4, ipVersion: 6 }],
    ['BSD loop (108), big-endian AF_INET', Buffer.concat([Buffer.from([0, 0, 0, 2]), tcpPacket(v4, syn)]), 108, { ipOffset: 4, ipVersion: 4 }],
  ];

  it.each(cases)('decodes %s', (_name, frame, linkType, expected) => {
    expect(ok(decodePacket(frame, linkType, TS))).toMatchObject(expected);
  });

  it('keeps lengths from the headers when the snap length cut the frame', () => {
    const full = ethernetFrame(eth, ETHERTYPE_IPV4, tcpPacket(v4, syn, Buffer.alloc(1000)));
    expect(ok(decodePacket(full.subarray(0, 68), 1, TS, full.length))).toMatchObject({
      wireLength: 1054, capturedLength: 68, ipBytes: 1040, payloadOffset: 54, payloadLength: 1000,
    });
  });

  const failures: [string, Buffer, number, DecodeFailure['reason'], number][] = [
    ['ARP', arpV4, 1, 'arp', 14],
    ['ARP in an 802.1Q tag', ethernetFrame({ ...eth, vlans: [10] }, ETHERTYPE_ARP, arpPacket(whoHas)), 1, 'arp', 18],
    ['ARP over Linux SLL', Buffer.concat([Buffer.from([0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x06]), arpPacket(whoHas)]), 113, 'arp', 16],
    ['ARP cut before its fixed part', arpV4.subarray(0, 20), 1, 'truncated-arp', 14],
    ['ARP with addresses longer than the frame', patched(arpV4, (b) => (b[18] = 200)), 1, 'truncated-arp', 14],
    ['LLDP (another non-IP EtherType)', patched(arpV4, (b) => b.writeUInt16BE(0x88cc, 12)), 1, 'non-ip', 14],
    ['802.3 / LLC (spanning tree)', patched(udpV4, (b) => b.writeUInt16BE(38, 12)), 1, 'non-ip', 0],
    ['an unknown link type', tcpV4, 9999, 'unsupported-link-type', 0],
    ['a 10-byte Ethernet frame', tcpV4.subarray(0, 10), 1, 'truncated-ethernet', 0],
    ['a cut VLAN tag', ethernetFrame({ ...eth, vlans: [5] }, ETHERTYPE_IPV4, Buffer.alloc(0)).subarray(0, 16), 1, 'truncated-vlan', 14],
    ['a cut SLL header', Buffer.alloc(10), 113, 'truncated-sll', 0],
    ['a cut null header', Buffer.alloc(3), 0, 'truncated-null', 0],
    ['BSD null with an unknown family', Buffer.from([7, 0, 0, 0, 1, 2, 3]), 0, 'non-ip', 0],
    ['raw IP of version 5', Buffer.from([0x50, 0, 0, 20]), 101, 'bad-ip-version', 0],
    ['an IPv4 EtherType with a version 6 header', patched(tcpV4, (b) => (b[14] = 0x65)), 1, 'bad-ip-version', 14],
    ['a cut IPv4 header', tcpV4.subarray(0, 30), 1, 'truncated-ipv4', 14],
    ['IPv4 IHL 3', patched(tcpV4, (b) => (b[14] = 0x43)), 1, 'bad-ipv4-header-length', 14],
    ['IPv4 options beyond the capture', patched(tcpV4.subarray(0, 40), (b) => (b[14] = 0x4f)), 1, 'truncated-ipv4', 14],
    ['IPv4 total length shorter than its header', patched(tcpV4, (b) => b.writeUInt16BE(12, 16)), 1, 'bad-ipv4-total-length', 14],
    ['a cut IPv6 header', ethernetFrame(eth, ETHERTYPE_IPV6, tcpPacket(v6, syn)).subarray(0, 50), 1, 'truncated-ipv6', 14],
    ['an IPv6 extension header longer than the payload', ethernetFrame(eth, ETHERTYPE_IPV6, ipPacket(v6, 0, Buffer.from([6, 9, 0, 0, 0, 0, 0, 0]))), 1, 'truncated-ipv6-extension', 54],
    ['a TCP header cut by the capture', tcpV4.subarray(0, 44), 1, 'truncated-tcp', 34],
    ['a TCP segment shorter than 20 bytes', ethernetFrame(eth, ETHERTYPE_IPV4, ipPacket(v4, 6, Buffer.alloc(12))), 1, 'truncated-tcp', 34],
    ['TCP data offset 4', patched(tcpV4, (b) => (b[46] = 0x40)), 1, 'bad-tcp-header-length', 34],
    ['TCP data offset beyond the segment', patched(tcpV4, (b) => (b[46] = 0xf0)), 1, 'bad-tcp-header-length', 34],
    ['a cut UDP header', ethernetFrame(eth, ETHERTYPE_IPV4, ipPacket(v4, 17, Buffer.alloc(5))), 1, 'truncated-udp', 34],
    ['a cut ICMP header', ethernetFrame(eth, ETHERTYPE_IPV4, ipPacket(v4, 1, Buffer.alloc(3))), 1, 'truncated-icmp', 34],
  ];

  it.each(failures)('reports %s', (_name, frame, linkType, reason, offset) => {
    const failure = failed(decodePacket(frame, linkType, TS));
    expect(failure.reason).toBe(reason);
    expect(failure.offset).toBe(offset);
    expect(DECODE_FAILURE_KIND[failure.reason]).toBeDefined();
  });

  it('names the ARP operation and addresses in the failure detail', () => {
    expect(failed(decodePacket(arpV4, 1, TS)).detail).toBe('op 1 10.0.0.1 -> 10.0.0.2');
  });

  it('counts non-IP frames as skipped, not malformed', () => {
    expect(DECODE_FAILURE_KIND['non-ip']).toBe('skipped');
    expect(DECODE_FAILURE_KIND.arp).toBe('skipped');
    expect(DECODE_FAILURE_KIND['truncated-arp']).toBe('malformed');
    expect(DECODE_FAILURE_KIND['truncated-ipv4']).toBe('malformed');
  });

  it('never throws on garbage', () => {
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const linkTypes = [0, 1, 101, 108, 113, 228, 229, 276];
    const samples = [tcpV4, udpV4, ethernetFrame({ ...eth, vlans: [1, 2] }, ETHERTYPE_IPV6, ipPacket(v6, 0, Buffer.alloc(64)))];
    let decoded = 0;
    for (let i = 0; i < 20000; i++) {
      const base = samples[i % samples.length];
      // Valid prefixes with random bytes flipped, and pure noise.
      const frame = i % 4 === 0 ? Buffer.from(Array.from({ length: Math.floor(random() * 120) }, () => Math.floor(random() * 256))) : Buffer.from(base.subarray(0, Math.floor(random() * (base.length + 1))));
      if (i % 4 !== 0) for (let k = 0; k < 3; k++) if (frame.length > 0) frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
      const result = decodePacket(frame, linkTypes[i % linkTypes.length], TS);
      if (result.ok) decoded++;
      else expect(DECODE_FAILURE_KIND[result.reason]).toBeDefined();
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
