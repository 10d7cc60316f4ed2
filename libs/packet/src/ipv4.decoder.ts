// IPv4 (RFC 791):
//   u8 version(4)/IHL(4) | u8 DSCP/ECN | u16 total length | u16 id | u16 flags(3)/fragment offset(13)
//   u8 TTL | u8 protocol | u16 checksum | 4 bytes source | 4 bytes destination | options (IHL*4 - 20)
// Lengths come from the header, not from what was captured: a short snap length keeps the
// true sizes, and Ethernet padding after the datagram is ignored.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { u16 } from './frame-bytes';
import { ipv4OptionsMalformed } from './ipv4-options.decoder';
import { setAddresses } from './packet.view';

export const IPV4_MIN_HEADER_LENGTH = 20;

export const decodeIpv4: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  const captured = frameEnd - offset;
  if (captured < IPV4_MIN_HEADER_LENGTH) return decodeFailure('truncated-ipv4', offset, `${captured} bytes`);
  const versionIhl = frame[offset];
  if (versionIhl >> 4 !== 4) return decodeFailure('bad-ip-version', offset, `version ${versionIhl >> 4} in an IPv4 frame`);
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) return decodeFailure('bad-ipv4-header-length', offset, `IHL ${versionIhl & 0x0f}`);
  if (captured < headerLength) return decodeFailure('truncated-ipv4', offset, `header of ${headerLength} bytes, ${captured} captured`);
  let totalLength = u16(frame, offset + 2);
  // 0 is what a NIC doing TCP segmentation offload leaves: take what was captured.
  if (totalLength === 0) totalLength = captured;
  if (totalLength < headerLength) return decodeFailure('bad-ipv4-total-length', offset, `total length ${totalLength} < header length ${headerLength}`);
  const flagsFragment = u16(frame, offset + 6);
  const fragmentOffset = flagsFragment & 0x1fff;

  pkt.ipVersion = 4;
  pkt.ipOffset = offset;
  pkt.ttl = frame[offset + 8];
  pkt.ipProto = frame[offset + 9];
  setAddresses(pkt, frame, offset + 12, offset + 16, 4);
  pkt.ipBytes = totalLength;
  pkt.fragment = (flagsFragment & 0x2000) !== 0 || fragmentOffset !== 0;
  if (headerLength > IPV4_MIN_HEADER_LENGTH) pkt.ipOptionsMalformed = ipv4OptionsMalformed(frame, offset + IPV4_MIN_HEADER_LENGTH, offset + headerLength);
  pkt.transportOffset = offset + headerLength;
  pkt.payloadOffset = offset + headerLength;
  pkt.payloadLength = totalLength - headerLength;
  // Only the first fragment holds the transport header, and it may hold too little of it (RFC 1858
  // tiny fragments): such a fragment is kept, ports 0, for the reassembler to make whole.
  if (fragmentOffset !== 0) return null;
  const failure = registry.decodeIpProtocol(pkt.ipProto, frame, offset + headerLength, pkt, frameEnd);
  return failure !== null && pkt.fragment ? null : failure;
};
