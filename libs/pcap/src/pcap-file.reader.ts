import { open, type FileHandle } from 'node:fs/promises';
import type { CaptureFileInfo, CaptureFrame } from './capture-frame';
import { CaptureFrameCursor } from './capture-frame.cursor';
import { detectCaptureFormat } from './capture-format';
import type { CaptureParser } from './capture.parser';
import { PcapClassicParser } from './pcap-classic.parser';
import { PcapngParser } from './pcapng.parser';
import { PcapBadMagicError, PcapEmptyFileError } from './pcap.error';

export interface PcapReadOptions {
  /** Bytes read from the file at a time; memory stays within a few chunks. Default 1 MiB. */
  chunkSize?: number;
  /**
   * Largest captured length of one frame; a larger one means a corrupt file. Default 262144,
   * libpcap's and Wireshark's maximum snap length.
   */
  maxCaptureLength?: number;
  /** Copy each frame's bytes instead of handing out views into the read chunk. Default false. */
  copy?: boolean;
  /**
   * Read into two buffers in turn instead of a fresh one per chunk, for loops that keep no frame
   * (a frame's `data` view, and the cursor's `buffer`, hold its bytes only until the next chunk is
   * read): a fresh 1 MiB buffer per chunk is memory outside the heap that makes V8 collect its
   * young generation every few chunks, costly while many flows are young. Default false.
   */
  reuseChunks?: boolean;
}

export const PCAP_READ_DEFAULTS: Required<PcapReadOptions> = {
  chunkSize: 1024 * 1024,
  maxCaptureLength: 262144,
  copy: false,
  reuseChunks: false,
};

/**
 * Streams the frames of a classic pcap (either byte order, µs or ns) or pcapng file, one read
 * chunk at a time: memory is bounded by the chunk size, however large the file.
 *
 *   for await (const frame of new PcapFileReader(path)) ...        // one frame at a time
 *   for await (const batch of new PcapFileReader(path).batches())  // every frame of a chunk
 *   for await (const chunk of new PcapFileReader(path).chunks())   // one reused cursor per chunk
 *     while (chunk.next()) use(chunk.data, chunk.tsUs);
 *
 * Bad input throws a `PcapFileError` naming the path and the byte offset.
 */
export class PcapFileReader implements AsyncIterable<CaptureFrame> {
  private readonly options: Required<PcapReadOptions>;
  private parser: CaptureParser | null = null;

  constructor(
    readonly path: string,
    options: PcapReadOptions = {},
  ) {
    this.options = { ...PCAP_READ_DEFAULTS, ...options };
  }

  /** The file header, once the first batch has been read. */
  get info(): CaptureFileInfo | null {
    return this.parser?.info ?? null;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CaptureFrame> {
    for await (const batch of this.batches()) {
      for (const frame of batch) yield frame;
    }
  }

  /** Yields the frames of each read chunk together: far fewer awaits per frame. */
  async *batches(): AsyncGenerator<CaptureFrame[]> {
    for await (const chunk of this.chunks()) {
      const batch = chunk.rest([]);
      if (batch.length > 0) yield batch;
    }
  }

  /**
   * Yields one reused cursor per read chunk, to step through its frames with `next()`: no object
   * per frame (the fastest way through a file when no frame is kept). As with a batch, the frames
   * of a chunk are there until the loop moves on: those the body leaves unread are skipped.
   */
  async *chunks(): AsyncGenerator<CaptureFrameCursor> {
    const handle = await open(this.path, 'r');
    try {
      yield* this.readAll(handle);
    } finally {
      await handle.close();
    }
  }

  private async *readAll(handle: FileHandle): AsyncGenerator<CaptureFrameCursor> {
    const chunkSize = Math.max(64, this.options.chunkSize);
    let buf = Buffer.allocUnsafe(chunkSize);
    let end = await readInto(handle, buf, 0, 0);
    if (end === 0) throw new PcapEmptyFileError(this.path);
    const format = detectCaptureFormat(buf.subarray(0, end));
    if (format === null) throw new PcapBadMagicError(this.path, Buffer.from(buf.subarray(0, Math.min(end, 16))));
    const parserOptions = { path: this.path, maxCaptureLength: this.options.maxCaptureLength, copy: this.options.copy };
    const parser: CaptureParser = format.format === 'pcap' ? new PcapClassicParser(parserOptions) : new PcapngParser(parserOptions);
    this.parser = parser;
    const cursor = new CaptureFrameCursor(parser, this.options.copy);

    let spare: typeof buf | null = null; // with reuseChunks: the buffer of the chunk before
    let bufOffset = 0; // file offset of buf[0]
    let pos = 0;
    let fileOffset = end; // next byte to read from the file
    let eof = end < buf.length;
    for (;;) {
      cursor.load(buf, pos, end, bufOffset);
      yield cursor;
      // Skip what the consumer left unread, up to the first incomplete unit (where the next chunk starts).
      while (cursor.next());
      pos = cursor.pos;
      const remaining = end - pos;
      if (eof) {
        if (remaining === 0) return;
        throw parser.truncated(bufOffset + pos, remaining);
      }
      // A fresh buffer every time (frames already handed out are views into the old one), unless
      // the caller keeps none: then the one before the current chunk, if large enough.
      const size = Math.max(chunkSize, parser.need);
      const next = spare !== null && spare.length >= size ? spare : Buffer.allocUnsafe(size);
      if (this.options.reuseChunks) spare = buf;
      buf.copy(next, 0, pos, end);
      const read = await readInto(handle, next, remaining, fileOffset);
      fileOffset += read;
      eof = remaining + read < next.length;
      bufOffset += pos;
      buf = next;
      pos = 0;
      end = remaining + read;
    }
  }
}

/** Reads from `position` into `buf[start..]` until it is full or the file ends; returns bytes read. */
async function readInto(handle: FileHandle, buf: Buffer, start: number, position: number): Promise<number> {
  let filled = start;
  while (filled < buf.length) {
    const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + (filled - start));
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled - start;
}
