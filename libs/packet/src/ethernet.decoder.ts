// Ethernet II (LINKTYPE_ETHERNET 1), no FCS:
//   6 bytes destination MAC | 6 bytes source MAC | u16 EtherType (>= 0x0600) or 802.3 length (< 0x0600)
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { u16 } from './frame-bytes';

export const ETHERNET_HEADER_LENGTH = 14;

export const decodeEthernet: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  if (frameEnd - offset < ETHERNET_HEADER_LENGTH) return decodeFailure('truncated-ethernet', offset, `${frameEnd - offset} bytes`);
  const typeOrLength = u16(frame, offset + 12);
  if (typeOrLength < 0x0600) return decodeFailure('non-ip', offset, `802.3 length ${typeOrLength} (LLC frame)`);
  return registry.decodeEtherType(typeOrLength, frame, offset + ETHERNET_HEADER_LENGTH, pkt, frameEnd);
};
