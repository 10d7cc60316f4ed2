// Where a fragment's pieces lie in its frame, for the reassembler.
//   IPv4 (RFC 791): u16 id at +4; u16 flags(3)/offset(13) at +6, MF = 0x2000, offset in 8-byte units;
//     the data follows the IHL*4 header and runs to the total length.
//   IPv6 (RFC 8200 4.5): the unfragmentable part (40-byte header, then hop-by-hop, destination
//     options and routing headers) precedes the fragment header:
//     u8 next header | u8 reserved | u16 offset(13, 8-byte units)/res(2)/M(1) | u32 id
//     the fragmentable part (data) follows it and runs to 40 + payload length.
import type { DecodedPacket } from './decoded-packet';
import { u16, u32 } from './frame-bytes';
import { IP_PROTOCOL } from './protocol-numbers';

export interface FragmentView {
  /**
   * Datagram key: IPv4 (src, dst, protocol, id), IPv6 (src, dst, id) as RFC 8200 has it (the
   * next header may differ between fragments), both with the VLAN ids so that the same
   * addresses on two VLANs never mix.
   */
  readonly key: string;
  /** Byte offset of the data in the original datagram's payload. */
  readonly offset: number;
  readonly more: boolean;
  /** Frame offsets of the fragment data; `dataEnd` may lie past the capture (snap length). */
  readonly dataStart: number;
  readonly dataEnd: number;
  /** Frame bytes [0, headerEnd) are the link header and the IP header that a rebuilt datagram keeps. */
  readonly headerEnd: number;
  /** IPv6: the frame offset of the next-header byte that must name `nextHeader` once the fragment header is gone; -1 for IPv4. */
  readonly nextHeaderAt: number;
  /** IPv6: the fragment header's next header (the protocol of the reassembled data); IPv4: the protocol. */
  readonly nextHeader: number;
}

/** Reads a packet the decoder flagged as a fragment; a string says why it cannot be used. */
export function readFragment(frame: Buffer, pkt: DecodedPacket): FragmentView | string {
  const ip = pkt.ipOffset;
  const vlans = `${pkt.vlan ?? '-'} ${pkt.innerVlan ?? '-'}`;
  if (pkt.ipVersion === 4) {
    const headerEnd = ip + (frame[ip] & 0x0f) * 4;
    const flagsOffset = u16(frame, ip + 6);
    return {
      key: `4 ${pkt.src} ${pkt.dst} ${pkt.ipProto} ${u16(frame, ip + 4)} ${vlans}`,
      offset: (flagsOffset & 0x1fff) * 8,
      more: (flagsOffset & 0x2000) !== 0,
      dataStart: headerEnd,
      dataEnd: ip + pkt.ipBytes,
      headerEnd,
      nextHeaderAt: -1,
      nextHeader: pkt.ipProto,
    };
  }
  const end = ip + pkt.ipBytes;
  const limit = Math.min(end, frame.length);
  let next = frame[ip + 6];
  let nextHeaderAt = ip + 6;
  let at = ip + 40;
  while (next === IP_PROTOCOL.HOPOPT || next === IP_PROTOCOL.IPV6_OPTS || next === IP_PROTOCOL.IPV6_ROUTE) {
    if (at + 2 > limit) return 'extension header cut';
    nextHeaderAt = at;
    next = frame[at];
    at += (frame[at + 1] + 1) * 8;
  }
  if (next !== IP_PROTOCOL.IPV6_FRAG) return `fragment header not in the unfragmentable part (next header ${next})`;
  if (at + 8 > limit) return 'fragment header cut';
  const offsetMore = u16(frame, at + 2);
  return {
    key: `6 ${pkt.src} ${pkt.dst} ${u32(frame, at + 4)} ${vlans}`,
    offset: offsetMore & 0xfff8,
    more: (offsetMore & 0x0001) !== 0,
    dataStart: at + 8,
    dataEnd: end,
    headerEnd: at,
    nextHeaderAt,
    nextHeader: frame[at],
  };
}
