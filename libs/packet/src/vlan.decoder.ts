// 802.1Q (0x8100) and 802.1ad / QinQ (0x88a8, and the older 0x9100) tags, each:
//   u16 TCI (3 bits PCP, 1 bit DEI, 12 bits VLAN id) | u16 EtherType of what follows
// Stacked tags are consumed in a loop here, so a frame of endless tags cannot recurse deeply.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { ETHER_TYPE } from './protocol-numbers';
import { u16 } from './frame-bytes';

export const VLAN_TAG_LENGTH = 4;

function isVlanTag(etherType: number): boolean {
  return etherType === ETHER_TYPE.VLAN || etherType === ETHER_TYPE.QINQ || etherType === ETHER_TYPE.QINQ_OLD;
}

export const decodeVlan: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  let etherType: number;
  do {
    if (frameEnd - offset < VLAN_TAG_LENGTH) return decodeFailure('truncated-vlan', offset, `${frameEnd - offset} bytes`);
    const id = u16(frame, offset) & 0x0fff;
    if (pkt.vlan === null) pkt.vlan = id;
    else if (pkt.innerVlan === null) pkt.innerVlan = id;
    etherType = u16(frame, offset + 2);
    offset += VLAN_TAG_LENGTH;
  } while (isVlanTag(etherType));
  return registry.decodeEtherType(etherType, frame, offset, pkt, frameEnd);
};
