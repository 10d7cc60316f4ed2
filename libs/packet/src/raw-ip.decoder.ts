// Raw IP link types: LINKTYPE_RAW (101) starts with an IPv4 or IPv6 header, told by the version
// nibble; LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) say which.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { ETHER_TYPE } from './protocol-numbers';

export const decodeRawIp: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => {
  if (frameEnd - offset < 1) return decodeFailure('bad-ip-version', offset, 'empty frame');
  const version = frame[offset] >> 4;
  if (version === 4) return registry.decodeEtherType(ETHER_TYPE.IPV4, frame, offset, pkt, frameEnd);
  if (version === 6) return registry.decodeEtherType(ETHER_TYPE.IPV6, frame, offset, pkt, frameEnd);
  return decodeFailure('bad-ip-version', offset, `version ${version}`);
};

export const decodeRawIpv4: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => registry.decodeEtherType(ETHER_TYPE.IPV4, frame, offset, pkt, frameEnd);

export const decodeRawIpv6: LayerDecoder = (registry, frame, offset, pkt, frameEnd) => registry.decodeEtherType(ETHER_TYPE.IPV6, frame, offset, pkt, frameEnd);
