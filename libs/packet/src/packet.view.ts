import type { DecodedPacket, PacketBuilder } from './decoded-packet';
import { compareAddressBytes, formatIpv4, formatIpv6 } from './ip-address';

/**
 * A DecodedPacket that is decoded into again and again (`decodePacketInto`), for per-packet loops
 * that must not allocate: every field is reset and rewritten by each decode, and the address
 * strings are made only when read (`src` / `dst`), from `frame`. So a view is valid until its
 * next decode, and only while `frame`'s bytes are unchanged: copy what must outlive it
 * (`{ ...view, src: view.src, dst: view.dst }`), or use `decodePacket`.
 */
export class PacketView implements DecodedPacket {
  readonly ok = true as const;
  /** The frame last decoded into this view. */
  frame: Buffer = EMPTY;
  tsUs = 0;
  wireLength = 0;
  capturedLength = 0;
  linkType = 0;
  vlan: number | null = null;
  innerVlan: number | null = null;
  ipVersion: 4 | 6 = 4;
  ipOffset = 0;
  addressOrder: -1 | 0 | 1 = 0;
  ttl = 0;
  ipProto = 0;
  ipBytes = 0;
  fragment = false;
  ipOptionsMalformed = false;
  srcPort = 0;
  dstPort = 0;
  icmpType = -1;
  icmpCode = -1;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  tcpMss = -1;
  tcpWindowScale = -1;
  tcpSackPermitted = false;
  tcpSackBlocks = 0;
  tcpTsVal = -1;
  tcpTsEcr = -1;
  tcpOptionsMalformed = false;
  transportOffset = 0;
  transportHeaderLength = 0;
  payloadOffset = 0;
  payloadLength = 0;
  /** Address text once made (or set by a decoder), else null. */
  private srcText: string | null = null;
  private dstText: string | null = null;

  get src(): string {
    return (this.srcText ??= this.formatAddress(this.ipVersion === 4 ? 12 : 8));
  }
  set src(text: string) {
    this.srcText = text;
  }

  get dst(): string {
    return (this.dstText ??= this.formatAddress(this.ipVersion === 4 ? 16 : 24));
  }
  set dst(text: string) {
    this.dstText = text;
  }

  /**
   * Starts a decode of `frame`: every field back to its default (the values newPacketBuilder sets).
   * `capturedLength` is less than `frame.length` when the frame lies inside a larger buffer (`decodeFrameInto`).
   */
  reset(frame: Buffer, tsUs: number, wireLength: number, linkType: number, capturedLength = frame.length): void {
    this.frame = frame;
    this.tsUs = tsUs;
    this.wireLength = wireLength;
    this.capturedLength = capturedLength;
    this.linkType = linkType;
    this.vlan = null;
    this.innerVlan = null;
    this.ipVersion = 4;
    this.ipOffset = 0;
    this.srcText = null;
    this.dstText = null;
    this.addressOrder = 0;
    this.ttl = 0;
    this.ipProto = 0;
    this.ipBytes = 0;
    this.fragment = false;
    this.ipOptionsMalformed = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWindow = 0;
    this.tcpMss = -1;
    this.tcpWindowScale = -1;
    this.tcpSackPermitted = false;
    this.tcpSackBlocks = 0;
    this.tcpTsVal = -1;
    this.tcpTsEcr = -1;
    this.tcpOptionsMalformed = false;
    this.transportOffset = 0;
    this.transportHeaderLength = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
  }

  /** A plain DecodedPacket with the same fields, that outlives the view and its frame. */
  toPacket(): DecodedPacket {
    const { frame: _frame, srcText: _s, dstText: _d, ...fields } = this;
    return { ...fields, src: this.src, dst: this.dst };
  }

  private formatAddress(at: number): string {
    // No IP layer decoded (yet): as newPacketBuilder's ''.
    if (this.ipBytes === 0) return '';
    return this.ipVersion === 4 ? formatIpv4(this.frame, this.ipOffset + at) : formatIpv6(this.frame, this.ipOffset + at);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * What the IP decoders do with the addresses at `srcAt` / `dstAt` (`length` 4 or 16): compare
 * them for `addressOrder`, and format them, except into a PacketView, which formats on demand.
 */
export function setAddresses(pkt: PacketBuilder, frame: Buffer, srcAt: number, dstAt: number, length: 4 | 16): void {
  pkt.addressOrder = compareAddressBytes(frame, srcAt, dstAt, length);
  if (pkt instanceof PacketView) return;
  pkt.src = length === 4 ? formatIpv4(frame, srcAt) : formatIpv6(frame, srcAt);
  pkt.dst = length === 4 ? formatIpv4(frame, dstAt) : formatIpv6(frame, dstAt);
}
