// Linux "cooked" capture (tcpdump -i any).
//   SLL  (LINKTYPE_LINUX_SLL 113), 16 bytes:
//     u16 packet type | u16 ARPHRD type | u16 address length | 8 bytes address | u16 protocol
//   SLL2 (LINKTYPE_LINUX_SLL2 276), 20 bytes:
//     u16 protocol | u16 reserved | u32 interface index | u16 ARPHRD type | u8 packet type | u8 address length | 8 bytes address
// The protocol is an EtherType for the frames we care about.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { u16 } from './frame-bytes';

export const SLL_HEADER_LENGTH = 16;
export const SLL2_HEADER_LENGTH = 20;

export const decodeLinuxSll: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  if (frameEnd - offset < SLL_HEADER_LENGTH) return decodeFailure('truncated-sll', offset, `${frameEnd - offset} bytes`);
  return registry.decodeEtherType(u16(frame, offset + 14), frame, offset + SLL_HEADER_LENGTH, pkt, frameEnd);
};

export const decodeLinuxSll2: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  if (frameEnd - offset < SLL2_HEADER_LENGTH) return decodeFailure('truncated-sll', offset, `${frameEnd - offset} bytes`);
  return registry.decodeEtherType(u16(frame, offset), frame, offset + SLL2_HEADER_LENGTH, pkt, frameEnd);
};
