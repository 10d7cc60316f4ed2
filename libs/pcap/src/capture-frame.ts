/** One captured frame read from a capture file. */
export interface CaptureFrame {
  /** 0-based position of the frame in the file (records of other kinds, pcapng blocks, not counted). */
  readonly index: number;
  /** Capture timestamp, microseconds since the Unix epoch (nanosecond files are truncated to µs). */
  readonly tsUs: number;
  /** Bytes present in `data` (at most the snap length). */
  readonly capturedLength: number;
  /** Length of the frame on the wire. May exceed `capturedLength`. */
  readonly originalLength: number;
  /** LINKTYPE_ value of the frame (1 Ethernet, 101 raw IP, 113 Linux SLL, ...). */
  readonly linkType: number;
  /**
   * The captured bytes. A view into the reader's current read chunk (no copy): it stays valid
   * (the reader never reuses a chunk), but holding it keeps its whole chunk alive, so copy it
   * (`Buffer.from(data)`) or pass `copy: true` when you keep frames for long.
   */
  readonly data: Buffer;
  /** Byte offset in the file of the record (classic pcap) or block (pcapng) holding the frame. */
  readonly offset: number;
  /** pcapng interface id of the frame; 0 for classic pcap. */
  readonly interfaceId: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** What the file header said. For pcapng, the values of the first interface seen. */
export interface CaptureFileInfo {
  readonly format: CaptureFormat;
  readonly byteOrder: 'LE' | 'BE';
  /** Timestamp resolution of the file: 'us' or 'ns' (classic), or the first interface's (pcapng). */
  readonly resolution: 'us' | 'ns' | 'other';
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** Link type of the file (classic) or of the first interface (pcapng); -1 before it is known. */
  readonly linkType: number;
  readonly snapLength: number;
}
