/**
 * One decoded frame, flat: no per-layer objects, so decoding allocates one object and two
 * address strings. Fields a layer does not have are 0 (numbers) or null (VLAN).
 */
export interface DecodedPacket {
  readonly ok: true;
  /** Capture timestamp, microseconds since the Unix epoch. */
  readonly tsUs: number;
  /** Frame length on the wire (the capture's original length). */
  readonly wireLength: number;
  /** Bytes captured (the frame buffer's length; may be less than wireLength). */
  readonly capturedLength: number;
  readonly linkType: number;
  /** Outer 802.1Q / 802.1ad VLAN id, or null when untagged. */
  readonly vlan: number | null;
  /** Second (inner, QinQ) VLAN id, or null. */
  readonly innerVlan: number | null;
  readonly ipVersion: 4 | 6;
  /** Offset of the IP header in the frame. */
  readonly ipOffset: number;
  /** Source address: dotted quad, or IPv6 in RFC 5952 canonical form (lower case, `::` compressed). */
  readonly src: string;
  readonly dst: string;
  /** Sign of comparing the source and destination address bytes: -1 source lower, 1 destination lower, 0 equal. */
  readonly addressOrder: -1 | 0 | 1;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** IP protocol of the transport: IPv4 protocol, or IPv6 next header after skipped extension headers. */
  readonly ipProto: number;
  /** IP bytes: IPv4 total length, IPv6 40 + payload length (extension headers included). */
  readonly ipBytes: number;
  /**
   * A fragment (IPv4 MF set or offset > 0; an IPv6 fragment header). Fragments are not
   * reassembled yet: the first carries the transport header, the others have ports 0.
   */
  readonly fragment: boolean;
  /**
   * An IPv4 option list that does not parse (an option length under 2 or past the header). The
   * packet is kept: options never change where the transport starts (IHL does). False for IPv6.
   */
  readonly ipOptionsMalformed: boolean;
  /** TCP/UDP ports. ICMP, as Zeek does: srcPort = type, dstPort = the counterpart type (echo 8 <-> reply 0) or, for one-way messages, the code. */
  readonly srcPort: number;
  readonly dstPort: number;
  /** ICMP / ICMPv6 type and code; -1 for other protocols. */
  readonly icmpType: number;
  readonly icmpCode: number;
  /** TCP flags: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80, NS 0x100. */
  readonly tcpFlags: number;
  readonly tcpSeq: number;
  readonly tcpAck: number;
  readonly tcpWindow: number;
  // TCP options, parsed from the captured option bytes only, as numbers (no per-option objects).
  // Absent, or not a TCP packet: -1, false or 0 as documented on each field.
  /** Maximum segment size (kind 2), or -1. */
  readonly tcpMss: number;
  /** Window scale shift count (kind 3) as sent (stacks cap it at 14), or -1. */
  readonly tcpWindowScale: number;
  /** SACK permitted (kind 4) present. */
  readonly tcpSackPermitted: boolean;
  /** SACK blocks (kind 5) in the segment, 0 when none. */
  readonly tcpSackBlocks: number;
  /** Timestamps (kind 8): TSval and TSecr, or -1. */
  readonly tcpTsVal: number;
  readonly tcpTsEcr: number;
  /**
   * The option list does not parse: an option length under 2, an option running past the
   * header, or a known option of the wrong length. The packet is kept; what parsed before the
   * fault stays set. Options cut by the snap length are not malformed, just not parsed.
   */
  readonly tcpOptionsMalformed: boolean;
  /** Offset of the transport header in the frame (the IP payload when the transport is unknown). */
  readonly transportOffset: number;
  /** TCP header length with options; 8 for UDP and ICMP; 0 when not decoded. */
  readonly transportHeaderLength: number;
  /** Offset of the transport payload in the frame. */
  readonly payloadOffset: number;
  /**
   * Transport payload bytes, from the IP lengths (not from what was captured: with a short snap
   * length fewer are present; `min(payloadLength, capturedLength - payloadOffset)` are).
   */
  readonly payloadLength: number;
}

export const TCP_FLAGS = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
} as const;

/** Why a frame yielded no packet. */
export type DecodeFailureReason =
  | 'unsupported-link-type'
  | 'non-ip'
  | 'arp'
  | 'truncated-arp'
  | 'truncated-ethernet'
  | 'truncated-vlan'
  | 'truncated-sll'
  | 'truncated-null'
  | 'bad-ip-version'
  | 'truncated-ipv4'
  | 'bad-ipv4-header-length'
  | 'bad-ipv4-total-length'
  | 'truncated-ipv6'
  | 'truncated-ipv6-extension'
  | 'truncated-tcp'
  | 'bad-tcp-header-length'
  | 'truncated-udp'
  | 'truncated-icmp';

/**
 * How to count a failure: `skipped` frames are valid but not IP (`arp`, and `non-ip` for LLDP,
 * STP and the rest); `unsupported` frames use a link type no decoder is registered for;
 * `malformed` frames are broken or cut short.
 */
export const DECODE_FAILURE_KIND: Record<DecodeFailureReason, 'skipped' | 'unsupported' | 'malformed'> = {
  'unsupported-link-type': 'unsupported',
  'non-ip': 'skipped',
  arp: 'skipped',
  'truncated-arp': 'malformed',
  'truncated-ethernet': 'malformed',
  'truncated-vlan': 'malformed',
  'truncated-sll': 'malformed',
  'truncated-null': 'malformed',
  'bad-ip-version': 'malformed',
  'truncated-ipv4': 'malformed',
  'bad-ipv4-header-length': 'malformed',
  'bad-ipv4-total-length': 'malformed',
  'truncated-ipv6': 'malformed',
  'truncated-ipv6-extension': 'malformed',
  'truncated-tcp': 'malformed',
  'bad-tcp-header-length': 'malformed',
  'truncated-udp': 'malformed',
  'truncated-icmp': 'malformed',
};

/** A frame that yielded no packet, and why. Decoding never throws. */
export interface DecodeFailure {
  readonly ok: false;
  readonly reason: DecodeFailureReason;
  /** Offset in the frame of the layer that failed. */
  readonly offset: number;
  /** Human-readable specifics, e.g. `ethertype 0x0806` or `IHL 3`. */
  readonly detail: string;
}

export type DecodeResult = DecodedPacket | DecodeFailure;

export function decodeFailure(reason: DecodeFailureReason, offset: number, detail = ''): DecodeFailure {
  return { ok: false, reason, offset, detail };
}

/** The packet under construction; decoders fill it layer by layer. */
export type PacketBuilder = { -readonly [K in keyof DecodedPacket]: DecodedPacket[K] };

export function newPacketBuilder(tsUs: number, wireLength: number, capturedLength: number, linkType: number): PacketBuilder {
  // Every field set here, in one order, so all packets share one hidden class.
  return {
    ok: true,
    tsUs,
    wireLength,
    capturedLength,
    linkType,
    vlan: null,
    innerVlan: null,
    ipVersion: 4,
    ipOffset: 0,
    src: '',
    dst: '',
    addressOrder: 0,
    ttl: 0,
    ipProto: 0,
    ipBytes: 0,
    fragment: false,
    ipOptionsMalformed: false,
    srcPort: 0,
    dstPort: 0,
    icmpType: -1,
    icmpCode: -1,
    tcpFlags: 0,
    tcpSeq: 0,
    tcpAck: 0,
    tcpWindow: 0,
    tcpMss: -1,
    tcpWindowScale: -1,
    tcpSackPermitted: false,
    tcpSackBlocks: 0,
    tcpTsVal: -1,
    tcpTsEcr: -1,
    tcpOptionsMalformed: false,
    transportOffset: 0,
    transportHeaderLength: 0,
    payloadOffset: 0,
    payloadLength: 0,
  };
}
