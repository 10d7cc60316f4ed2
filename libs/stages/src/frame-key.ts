import { decodePacket } from '@ids/packet';
import { flowKey } from '@ids/flow';
import type { CapturedFrame } from './capture.source';

/** The canonical flow key of a captured frame, or null for frames that are not IP or do not decode. */
export function flowKeyOfFrame(frame: CapturedFrame): string | null {
  const pkt = decodePacket(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
  return pkt.ok ? flowKey(pkt) : null;
}
