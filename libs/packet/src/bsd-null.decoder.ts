// BSD loopback encapsulation.
//   LINKTYPE_NULL (0): u32 address family in the byte order of the machine that wrote it.
//   LINKTYPE_LOOP (108): u32 address family, big-endian.
// AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
import type { DecoderRegistry, LayerDecoder } from './decoder.registry';
import { decodeFailure, type DecodeFailure, type PacketBuilder } from './decoded-packet';
import { ETHER_TYPE } from './protocol-numbers';
import { u32 } from './frame-bytes';

export const NULL_HEADER_LENGTH = 4;
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

function decodeFamily(family: number, registry: DecoderRegistry, frame: Buffer, offset: number, pkt: PacketBuilder, frameEnd: number): DecodeFailure | null {
  if (family === AF_INET) return registry.decodeEtherType(ETHER_TYPE.IPV4, frame, offset + NULL_HEADER_LENGTH, pkt, frameEnd);
  if (AF_INET6.has(family)) return registry.decodeEtherType(ETHER_TYPE.IPV6, frame, offset + NULL_HEADER_LENGTH, pkt, frameEnd);
  return decodeFailure('non-ip', offset, `address family ${family}`);
}

export const decodeBsdNull: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  if (frameEnd - offset < NULL_HEADER_LENGTH) return decodeFailure('truncated-null', offset, `${frameEnd - offset} bytes`);
  let family = frame.readUInt32LE(offset);
  // Families are small: a value with only high bits set was written big-endian.
  if ((family & 0xffff) === 0) family = u32(frame, offset);
  return decodeFamily(family, registry, frame, offset, pkt, frameEnd);
};

export const decodeBsdLoop: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  if (frameEnd - offset < NULL_HEADER_LENGTH) return decodeFailure('truncated-null', offset, `${frameEnd - offset} bytes`);
  return decodeFamily(u32(frame, offset), registry, frame, offset, pkt, frameEnd);
};
