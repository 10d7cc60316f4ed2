// ARP (RFC 826), EtherType 0x0806:
//   u16 hardware type | u16 protocol type | u8 hardware address length (hlen) | u8 protocol address length (plen)
//   u16 operation | sender hardware (hlen) | sender protocol (plen) | target hardware (hlen) | target protocol (plen)
// ARP carries no IP packet, so a good frame is still a failure, of kind `skipped`, under its own
// reason `arp` so that the capture summary can count ARP apart from other non-IP traffic; the
// detail names the operation and, for IPv4 over Ethernet, the addresses asked about.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { formatIpv4 } from './ip-address';
import { u16 } from './frame-bytes';

export const ARP_FIXED_LENGTH = 8;

export const decodeArp: LayerDecoder = (_registry, frame, offset, _pkt, frameEnd) => {
  const captured = frameEnd - offset;
  if (captured < ARP_FIXED_LENGTH) return decodeFailure('truncated-arp', offset, `${captured} bytes`);
  const hardwareLength = frame[offset + 4];
  const protocolLength = frame[offset + 5];
  const length = ARP_FIXED_LENGTH + 2 * (hardwareLength + protocolLength);
  if (captured < length) return decodeFailure('truncated-arp', offset, `${length} bytes needed, ${captured} captured`);
  const operation = u16(frame, offset + 6);
  if (protocolLength !== 4) return decodeFailure('arp', offset, `op ${operation}`);
  const senderIp = offset + ARP_FIXED_LENGTH + hardwareLength;
  const targetIp = senderIp + protocolLength + hardwareLength;
  return decodeFailure('arp', offset, `op ${operation} ${formatIpv4(frame, senderIp)} -> ${formatIpv4(frame, targetIp)}`);
};
