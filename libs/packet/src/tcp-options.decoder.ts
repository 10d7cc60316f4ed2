// TCP options (RFC 9293 3.1, RFC 2018 SACK, RFC 7323 window scale and timestamps):
//   kind 0 end of list | kind 1 no-op | otherwise u8 kind | u8 length (>= 2, kind and length included) | data
//   MSS 2: length 4, u16 | window scale 3: length 3, u8 shift | SACK permitted 4: length 2
//   SACK 5: length 2 + 8n (n >= 1), n pairs of u32 left/right edge | timestamps 8: length 10, u32 TSval, u32 TSecr
// Only what was captured is read: a snap length that cuts the options is not a fault.
// A fault never drops the packet; it sets `tcpOptionsMalformed`. A length under 2 or past the
// header stops the walk (no way to find the next option); a known kind with the wrong length is
// ignored and skipped by its length. Numbers only: this runs for every TCP segment.
import type { PacketBuilder } from './decoded-packet';
import { u16, u32 } from './frame-bytes';

const END = 0;
const NOP = 1;
const MSS = 2;
const WINDOW_SCALE = 3;
const SACK_PERMITTED = 4;
const SACK = 5;
const TIMESTAMPS = 8;

/** Parses the options in `frame[start, end)` (the header past the fixed 20 bytes) into `pkt`; the frame's captured bytes end at `frameEnd`. */
export function decodeTcpOptions(frame: Buffer, start: number, end: number, pkt: PacketBuilder, frameEnd = frame.length): void {
  const capturedEnd = Math.min(end, frameEnd);
  let at = start;
  while (at < capturedEnd) {
    const kind = frame[at];
    if (kind === END) return;
    if (kind === NOP) {
      at++;
      continue;
    }
    if (at + 1 >= capturedEnd) return;
    const length = frame[at + 1];
    if (length < 2 || at + length > end) {
      pkt.tcpOptionsMalformed = true;
      return;
    }
    if (at + length > capturedEnd) return;
    if (kind === MSS) {
      if (length === 4) pkt.tcpMss = u16(frame, at + 2);
      else pkt.tcpOptionsMalformed = true;
    } else if (kind === WINDOW_SCALE) {
      if (length === 3) pkt.tcpWindowScale = frame[at + 2];
      else pkt.tcpOptionsMalformed = true;
    } else if (kind === SACK_PERMITTED) {
      if (length === 2) pkt.tcpSackPermitted = true;
      else pkt.tcpOptionsMalformed = true;
    } else if (kind === SACK) {
      if (length >= 10 && (length - 2) % 8 === 0) pkt.tcpSackBlocks += (length - 2) / 8;
      else pkt.tcpOptionsMalformed = true;
    } else if (kind === TIMESTAMPS) {
      if (length === 10) {
        pkt.tcpTsVal = u32(frame, at + 2);
        pkt.tcpTsEcr = u32(frame, at + 6);
      } else pkt.tcpOptionsMalformed = true;
    }
    at += length;
  }
}
