// IPv6 (RFC 8200), fixed header of 40 bytes:
//   u32 version(4)/traffic class(8)/flow label(20) | u16 payload length | u8 next header | u8 hop limit
//   16 bytes source | 16 bytes destination
// then extension headers, skipped here to reach the transport:
//   hop-by-hop (0), routing (43), destination options (60): u8 next | u8 length in 8-byte units, not counting the first 8
//   fragment (44): u8 next | u8 reserved | u16 offset(13)/res(2)/M(1) | u32 id          (8 bytes)
//   AH (51): u8 next | u8 length in 4-byte units minus 2
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { IP_PROTOCOL } from './protocol-numbers';
import { u16 } from './frame-bytes';
import { setAddresses } from './packet.view';

export const IPV6_HEADER_LENGTH = 40;
/** Bound on the extension headers walked; real packets carry one or two. */
const MAX_EXTENSION_HEADERS = 8;

export const decodeIpv6: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  const captured = frameEnd - offset;
  if (captured < IPV6_HEADER_LENGTH) return decodeFailure('truncated-ipv6', offset, `${captured} bytes`);
  const version = frame[offset] >> 4;
  if (version !== 6) return decodeFailure('bad-ip-version', offset, `version ${version} in an IPv6 frame`);
  let payloadLength = u16(frame, offset + 4);
  // 0 is a jumbogram or segmentation offload: take what was captured.
  if (payloadLength === 0) payloadLength = captured - IPV6_HEADER_LENGTH;
  const end = offset + IPV6_HEADER_LENGTH + payloadLength;

  pkt.ipVersion = 6;
  pkt.ipOffset = offset;
  pkt.ttl = frame[offset + 7];
  setAddresses(pkt, frame, offset + 8, offset + 24, 16);
  pkt.ipBytes = IPV6_HEADER_LENGTH + payloadLength;

  let next = frame[offset + 6];
  let at = offset + IPV6_HEADER_LENGTH;
  let firstFragment = true;
  for (let n = 0; n < MAX_EXTENSION_HEADERS; n++) {
    let length: number;
    if (next === IP_PROTOCOL.HOPOPT || next === IP_PROTOCOL.IPV6_ROUTE || next === IP_PROTOCOL.IPV6_OPTS) {
      if (frameEnd - at < 2 || end - at < 2) return decodeFailure('truncated-ipv6-extension', at, `extension header ${next}`);
      length = (frame[at + 1] + 1) * 8;
    } else if (next === IP_PROTOCOL.IPV6_FRAG) {
      if (frameEnd - at < 8 || end - at < 8) return decodeFailure('truncated-ipv6-extension', at, 'fragment header');
      pkt.fragment = true;
      firstFragment = (u16(frame, at + 2) & 0xfff8) === 0;
      length = 8;
    } else if (next === IP_PROTOCOL.AH) {
      if (frameEnd - at < 2 || end - at < 2) return decodeFailure('truncated-ipv6-extension', at, 'authentication header');
      length = (frame[at + 1] + 2) * 4;
    } else {
      break;
    }
    if (at + length > end) return decodeFailure('truncated-ipv6-extension', at, `extension header ${next} of ${length} bytes`);
    next = frame[at];
    at += length;
    if (!firstFragment) break;
  }
  pkt.ipProto = next;
  pkt.transportOffset = at;
  pkt.payloadOffset = at;
  pkt.payloadLength = end - at;
  if (!firstFragment || next === IP_PROTOCOL.IPV6_NONXT) return null;
  const failure = registry.decodeIpProtocol(next, frame, at, pkt, frameEnd);
  // A first fragment too short for its transport header (tiny fragment) is kept for reassembly.
  return failure !== null && pkt.fragment ? null : failure;
};
