import type { CaptureFileInfo, CaptureFrame } from './capture-frame';
import type { PcapTruncatedError } from './pcap.error';

/**
 * A format's parser: pure, no I/O. The reader hands it a window of the file and it takes every
 * complete header, record or block it finds there, so one call parses a whole read chunk.
 */
export interface CaptureParser {
  /**
   * Parses complete units from `buf[pos, end)`, where `buf[0]` lies at file offset `bufOffset`,
   * pushing frames to `out`; returns the position after the last unit taken. Throws a
   * `PcapFileError` for invalid content.
   */
  parse(buf: Buffer, pos: number, end: number, bufOffset: number, out: CaptureFrame[]): number;
  /**
   * `parse` of one frame, into a reused slot instead of a new object: takes the units of
   * `buf[pos, end)` up to and including the next frame, which it writes into `into` (setting
   * `into.filled`); returns the position after the units taken. `into.filled` stays false when
   * no complete frame is left (the units before it, file header or pcapng blocks, are still taken).
   */
  readFrame(buf: Buffer, pos: number, end: number, bufOffset: number, into: CaptureFrameSlot): number;
  /** Bytes needed from the returned position before the next call can make progress. */
  readonly need: number;
  /** The error for a file that ends `available` bytes into the unit starting at `offset`. */
  truncated(offset: number, available: number): PcapTruncatedError;
  /** The file header, once parsed. */
  readonly info: CaptureFileInfo | null;
}

/**
 * A CaptureFrame a parser writes into (`readFrame`), reused frame after frame. The frame's bytes
 * are `buffer[start, end)`; `data` (a view of them, or a copy with the `copy` option) is set too,
 * unless the slot is `lazy` (the cursor makes it when read: `frameData`).
 */
export type CaptureFrameSlot = { -readonly [K in keyof CaptureFrame]: CaptureFrame[K] } & {
  filled: boolean;
  buffer: Buffer;
  start: number;
  end: number;
  readonly lazy: boolean;
};

/** `data` of the frame at `buf[start, end)`: a view into the read chunk, or a copy of its own (`copy`). */
export function frameData(buf: Buffer, start: number, end: number, copy: boolean): Buffer {
  const view = buf.subarray(start, end);
  return copy ? Buffer.from(view) : view;
}

export interface CaptureParserOptions {
  /** Used in error messages. */
  path: string;
  /** Largest captured length accepted for one frame; larger means a corrupt file. */
  maxCaptureLength: number;
  /** Copy each frame's bytes out of the read chunk instead of returning a view. */
  copy: boolean;
}

/** A slot with every field set (all slots get the same shape). */
export function emptyFrameSlot(): CaptureFrameSlot {
  return { index: 0, tsUs: 0, capturedLength: 0, originalLength: 0, linkType: 0, data: EMPTY, offset: 0, interfaceId: 0, filled: false, buffer: EMPTY, start: 0, end: 0, lazy: false };
}

/** `parse` built on `readFrame`: every complete frame of the window, each read into `slot` and copied out. */
export function parseFrames(parser: Pick<CaptureParser, 'readFrame'>, slot: CaptureFrameSlot, buf: Buffer, pos: number, end: number, bufOffset: number, out: CaptureFrame[]): number {
  for (;;) {
    slot.filled = false;
    pos = parser.readFrame(buf, pos, end, bufOffset, slot);
    if (!slot.filled) return pos;
    out.push(frameOfSlot(slot));
  }
}

/** The frame copied out of a slot, as a frame object of its own. */
export function frameOfSlot(slot: CaptureFrameSlot): CaptureFrame {
  return {
    index: slot.index,
    tsUs: slot.tsUs,
    capturedLength: slot.capturedLength,
    originalLength: slot.originalLength,
    linkType: slot.linkType,
    data: slot.data,
    offset: slot.offset,
    interfaceId: slot.interfaceId,
  };
}

const EMPTY = Buffer.alloc(0);
