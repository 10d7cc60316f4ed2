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
  /** Bytes needed from the returned position before the next call can make progress. */
  readonly need: number;
  /** The error for a file that ends `available` bytes into the unit starting at `offset`. */
  truncated(offset: number, available: number): PcapTruncatedError;
  /** The file header, once parsed. */
  readonly info: CaptureFileInfo | null;
}

export interface CaptureParserOptions {
  /** Used in error messages. */
  path: string;
  /** Largest captured length accepted for one frame; larger means a corrupt file. */
  maxCaptureLength: number;
  /** Copy each frame's bytes out of the read chunk instead of returning a view. */
  copy: boolean;
}
