// TCP (RFC 9293):
//   u16 source port | u16 destination port | u32 sequence | u32 acknowledgment
//   u8 data offset(4)/reserved(3)/NS(1) | u8 flags CWR ECE URG ACK PSH RST SYN FIN | u16 window
//   u16 checksum | u16 urgent pointer | options (data offset*4 - 20)
// Options need not be captured; the 20-byte fixed header must be. Options: tcp-options.decoder.ts.
import type { LayerDecoder } from './decoder.registry';
import { decodeFailure } from './decoded-packet';
import { u16, u32 } from './frame-bytes';
import { decodeTcpOptions } from './tcp-options.decoder';

export const TCP_MIN_HEADER_LENGTH = 20;

export const decodeTcp: LayerDecoder = (_registry, frame, offset, pkt, frameEnd) => {
  const segmentLength = pkt.payloadLength;
  if (frameEnd - offset < TCP_MIN_HEADER_LENGTH || segmentLength < TCP_MIN_HEADER_LENGTH) {
    return decodeFailure('truncated-tcp', offset, `${Math.min(frameEnd - offset, segmentLength)} bytes`);
  }
  const dataOffsetByte = frame[offset + 12];
  const headerLength = (dataOffsetByte >> 4) * 4;
  if (headerLength < TCP_MIN_HEADER_LENGTH || headerLength > segmentLength) {
    return decodeFailure('bad-tcp-header-length', offset, `header length ${headerLength}, segment ${segmentLength}`);
  }
  pkt.srcPort = u16(frame, offset);
  pkt.dstPort = u16(frame, offset + 2);
  pkt.tcpSeq = u32(frame, offset + 4);
  pkt.tcpAck = u32(frame, offset + 8);
  pkt.tcpFlags = frame[offset + 13] | ((dataOffsetByte & 0x01) << 8);
  pkt.tcpWindow = u16(frame, offset + 14);
  if (headerLength > TCP_MIN_HEADER_LENGTH) decodeTcpOptions(frame, offset + TCP_MIN_HEADER_LENGTH, offset + headerLength, pkt, frameEnd);
  pkt.transportHeaderLength = headerLength;
  pkt.payloadOffset = offset + headerLength;
  pkt.payloadLength = segmentLength - headerLength;
  return null;
};
