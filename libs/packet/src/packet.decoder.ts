import { decodeArp } from './arp.decoder';
import { decodeBsdLoop, decodeBsdNull } from './bsd-null.decoder';
import { decodeFailure, newPacketBuilder, type DecodeFailure, type DecodeResult } from './decoded-packet';
import { DecoderRegistry } from './decoder.registry';
import { decodeEthernet } from './ethernet.decoder';
import { decodeIcmp, decodeIcmpv6 } from './icmp.decoder';
import { decodeIpv4 } from './ipv4.decoder';
import { decodeIpv6 } from './ipv6.decoder';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.decoder';
import { ETHER_TYPE, IP_PROTOCOL, LINK_TYPE } from './protocol-numbers';
import { decodeRawIp, decodeRawIpv4, decodeRawIpv6 } from './raw-ip.decoder';
import { decodeTcp } from './tcp.decoder';
import { decodeUdp } from './udp.decoder';
import type { PacketView } from './packet.view';
import { decodeVlan } from './vlan.decoder';

/** Decodes one captured frame. Never throws: garbage gives a `DecodeFailure`. */
export type PacketDecoder = (frame: Buffer, linkType: number, tsUs: number, wireLength?: number) => DecodeResult;

/** Every decoder of this library, registered by link type, EtherType and IP protocol. */
export function defaultDecoderRegistry(): DecoderRegistry {
  return new DecoderRegistry()
    .registerLinkType(LINK_TYPE.NULL, decodeBsdNull)
    .registerLinkType(LINK_TYPE.ETHERNET, decodeEthernet)
    .registerLinkType(LINK_TYPE.RAW, decodeRawIp)
    .registerLinkType(LINK_TYPE.LOOP, decodeBsdLoop)
    .registerLinkType(LINK_TYPE.LINUX_SLL, decodeLinuxSll)
    .registerLinkType(LINK_TYPE.IPV4, decodeRawIpv4)
    .registerLinkType(LINK_TYPE.IPV6, decodeRawIpv6)
    .registerLinkType(LINK_TYPE.LINUX_SLL2, decodeLinuxSll2)
    .registerEtherType(ETHER_TYPE.IPV4, decodeIpv4)
    .registerEtherType(ETHER_TYPE.IPV6, decodeIpv6)
    .registerEtherType(ETHER_TYPE.ARP, decodeArp)
    .registerEtherType(ETHER_TYPE.VLAN, decodeVlan)
    .registerEtherType(ETHER_TYPE.QINQ, decodeVlan)
    .registerEtherType(ETHER_TYPE.QINQ_OLD, decodeVlan)
    .registerIpProtocol(IP_PROTOCOL.TCP, decodeTcp)
    .registerIpProtocol(IP_PROTOCOL.UDP, decodeUdp)
    .registerIpProtocol(IP_PROTOCOL.ICMP, decodeIcmp)
    .registerIpProtocol(IP_PROTOCOL.ICMPV6, decodeIcmpv6);
}

export function createPacketDecoder(registry: DecoderRegistry): PacketDecoder {
  return (frame, linkType, tsUs, wireLength = frame.length) => {
    const pkt = newPacketBuilder(tsUs, wireLength, frame.length, linkType);
    return registry.decodeLink(linkType, frame, pkt) ?? pkt;
  };
}

/** Decodes with `defaultDecoderRegistry()`. */
export const decodePacket: PacketDecoder = createPacketDecoder(defaultDecoderRegistry());

/** Decodes one frame into `view` (reset first); returns null, or why the frame yielded no packet. */
export type PacketIntoDecoder = (view: PacketView, frame: Buffer, linkType: number, tsUs: number, wireLength?: number) => DecodeFailure | null;

export function createPacketIntoDecoder(registry: DecoderRegistry): PacketIntoDecoder {
  return (view, frame, linkType, tsUs, wireLength = frame.length) => {
    view.reset(frame, tsUs, wireLength, linkType);
    return registry.decodeLink(linkType, frame, view);
  };
}

/**
 * `decodePacket` into a reused PacketView, for loops over many frames: nothing is allocated for
 * a packet that decodes (a failure still is), and addresses are formatted only when read.
 */
export const decodePacketInto: PacketIntoDecoder = createPacketIntoDecoder(defaultDecoderRegistry());

/**
 * Decodes the frame at `buf[start, end)` into `view`, in place: `view.frame` is `buf` and its
 * offsets (`ipOffset`, `transportOffset`, `payloadOffset`) are positions in `buf`, not in the
 * frame; nothing at or past `end` is read. For a loop over a capture file's read chunks
 * (`CaptureFrameCursor.buffer` / `start` / `end`), without a Buffer view made per frame. A
 * failure's `offset` is, as from `decodePacketInto`, from the start of the frame. (The IP
 * fragment reassembler wants views of `decodePacketInto`, whose frame is the frame alone.)
 */
export type FrameIntoDecoder = (view: PacketView, buf: Buffer, start: number, end: number, linkType: number, tsUs: number, wireLength?: number) => DecodeFailure | null;

export function createFrameIntoDecoder(registry: DecoderRegistry): FrameIntoDecoder {
  return (view, buf, start, end, linkType, tsUs, wireLength = end - start) => {
    view.reset(buf, tsUs, wireLength, linkType, end - start);
    const failure = registry.decodeLink(linkType, buf, view, start, end);
    return failure === null || start === 0 ? failure : decodeFailure(failure.reason, failure.offset - start, failure.detail);
  };
}

export const decodeFrameInto: FrameIntoDecoder = createFrameIntoDecoder(defaultDecoderRegistry());
