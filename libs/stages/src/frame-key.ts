import { decodePacket, IpReassembler, type IpReassemblerOptions, type ReassemblyCounter } from '@ids/packet';
import { flowKey } from '@ids/flow';
import type { CapturedFrame } from './capture.source';

/** The canonical flow key of a captured frame, or null for frames that are not IP or do not decode. */
export function flowKeyOfFrame(frame: CapturedFrame): string | null {
  const pkt = decodePacket(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
  return pkt.ok ? flowKey(pkt) : null;
}

export interface KeyedFrame {
  frame: CapturedFrame;
  /** Flow key, or null for frames that are not IP or do not decode. */
  key: string | null;
}

/** Decides what the capture writes for each frame it reads, and under which key. */
export interface FrameKeyer {
  /** The frame to write (the one read, or a datagram it completed), or null while a fragment is held. */
  accept(frame: CapturedFrame): KeyedFrame | null;
  readonly counters: Readonly<Record<string, number>>;
}

/**
 * Keys frames by flow and reassembles IP fragments first: only the first fragment carries the
 * ports, so fragments keyed on their own would land in other partitions than their flow. A
 * completed datagram is written as one packet with the last fragment's time; a fragment the
 * reassembler refuses (too big, invalid, over the memory bound) is written as it is.
 */
export class DefragmentingFrameKeyer implements FrameKeyer {
  private readonly reassembler: IpReassembler;

  constructor(options: IpReassemblerOptions = {}) {
    this.reassembler = new IpReassembler(options);
  }

  get counters(): Readonly<Record<ReassemblyCounter, number>> {
    return this.reassembler.counters;
  }

  accept(frame: CapturedFrame): KeyedFrame | null {
    const pkt = decodePacket(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
    if (!pkt.ok) return { frame, key: null };
    if (!pkt.fragment) return { frame, key: flowKey(pkt) };
    const r = this.reassembler.push(frame.data, pkt);
    if (r.kind === 'pending') return null;
    if (r.kind !== 'complete') return { frame, key: flowKey(pkt) };
    const whole: CapturedFrame = { tsUs: r.tsUs, originalLength: r.wireLength, linkType: r.linkType, data: r.frame };
    const decoded = decodePacket(whole.data, whole.linkType, whole.tsUs, whole.originalLength);
    return { frame: whole, key: decoded.ok ? flowKey(decoded) : null };
  }
}
