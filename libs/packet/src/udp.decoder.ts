// UDP (RFC 768):  u16 source port | u16 destination port | u16 length (header + data) | u16 checksum
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { u16 } from './frame-bytes';

export const UDP_HEADER_LENGTH = 8;

export const decodeUdp: LayerDecoder = (_registry, frame, offset, pkt, frameEnd) => {
  const datagramLength = pkt.payloadLength;
  if (frameEnd - offset < UDP_HEADER_LENGTH || datagramLength < UDP_HEADER_LENGTH) {
    return decodeFailure('truncated-udp', offset, `${Math.min(frameEnd - offset, datagramLength)} bytes`);
  }
  const udpLength = u16(frame, offset + 4);
  pkt.srcPort = u16(frame, offset);
  pkt.dstPort = u16(frame, offset + 2);
  pkt.transportHeaderLength = UDP_HEADER_LENGTH;
  pkt.payloadOffset = offset + UDP_HEADER_LENGTH;
  // The UDP length when it is consistent with the IP length; the IP length otherwise.
  pkt.payloadLength = (udpLength >= UDP_HEADER_LENGTH && udpLength <= datagramLength ? udpLength : datagramLength) - UDP_HEADER_LENGTH;
  return null;
};
