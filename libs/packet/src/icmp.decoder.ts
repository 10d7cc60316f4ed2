// ICMP (RFC 792) and ICMPv6 (RFC 4443):  u8 type | u8 code | u16 checksum | 4 bytes rest of header | data
//
// Ports, as Zeek's conn.log has them: source port = type, destination port = the type that
// answers it (echo request 8 <-> echo reply 0, ...), so a request and its reply share a flow;
// for one-way messages (unreachable, time exceeded, ...) the destination port is the code.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';

export const ICMP_HEADER_LENGTH = 8;

function pairs(list: [number, number][]): Map<number, number> {
  const map = new Map<number, number>();
  for (const [a, b] of list) {
    map.set(a, b);
    map.set(b, a);
  }
  return map;
}

/** echo, router solicitation/advertisement, timestamp, information, address mask (Zeek's ICMP4_counterpart). */
export const ICMPV4_COUNTERPART = pairs([[8, 0], [10, 9], [13, 14], [15, 16], [17, 18]]);
/** echo, MLD query/report, router and neighbor discovery, node information, home agent, mobile prefix (Zeek's ICMP6_counterpart). */
export const ICMPV6_COUNTERPART = pairs([[128, 129], [130, 131], [133, 134], [135, 136], [139, 140], [144, 145], [146, 147]]);

function icmpDecoder(counterparts: Map<number, number>): LayerDecoder {
  return (_registry, frame, offset, pkt, frameEnd) => {
    const messageLength = pkt.payloadLength;
    if (frameEnd - offset < 4 || messageLength < 4) return decodeFailure('truncated-icmp', offset, `${Math.min(frameEnd - offset, messageLength)} bytes`);
    const type = frame[offset];
    const code = frame[offset + 1];
    pkt.icmpType = type;
    pkt.icmpCode = code;
    pkt.srcPort = type;
    pkt.dstPort = counterparts.get(type) ?? code;
    const headerLength = Math.min(ICMP_HEADER_LENGTH, messageLength);
    pkt.transportHeaderLength = headerLength;
    pkt.payloadOffset = offset + headerLength;
    pkt.payloadLength = messageLength - headerLength;
    return null;
  };
}

export const decodeIcmp: LayerDecoder = icmpDecoder(ICMPV4_COUNTERPART);
export const decodeIcmpv6: LayerDecoder = icmpDecoder(ICMPV6_COUNTERPART);
