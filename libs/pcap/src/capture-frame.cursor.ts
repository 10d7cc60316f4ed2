import type { CaptureFrame } from './capture-frame';
import { frameData, frameOfSlot, type CaptureFrameSlot, type CaptureParser } from './capture.parser';

/**
 * The frames of one read chunk, one at a time, in one reused object (`PcapFileReader.chunks()`):
 * no frame object and no batch array per frame, for loops that decode every frame and keep none.
 *
 *   for await (const chunk of reader.chunks()) while (chunk.next()) use(chunk.data, chunk.tsUs, ...);
 *   // or in place, without even a Buffer view per frame (@ids/packet's decodeFrameInto):
 *   ... while (chunk.next()) decodeFrameInto(view, chunk.buffer, chunk.start, chunk.end, chunk.linkType, ...);
 *
 * After `next()` returns true the fields are the next frame's, until the next call; `data` is a
 * view into the chunk (made when first read), valid as `CaptureFrame.data` is, and so are
 * `buffer[start, end)`: for good by default, only until the next chunk is read with the reader's
 * `reuseChunks` option. Keep a frame past the call with `frame()` (and, with `reuseChunks`, a
 * copy of its bytes). Bad content throws from `next()`, after the frames before it.
 */
export class CaptureFrameCursor implements CaptureFrame, CaptureFrameSlot {
  index = 0;
  tsUs = 0;
  capturedLength = 0;
  originalLength = 0;
  linkType = 0;
  offset = 0;
  interfaceId = 0;
  /** Whether the last `next()` read a frame. */
  filled = false;
  /** The read chunk holding the frame, which is `buffer[start, end)`. */
  buffer: Buffer = EMPTY;
  start = 0;
  end = 0;
  /** The parser leaves `data` to the cursor, which makes it when read. */
  readonly lazy = true;
  private view: Buffer | null = null;
  // The window of the file being read: buf[pos, end), buf[0] at file offset bufOffset (the reader's).
  private buf: Buffer = EMPTY;
  private windowEnd = 0;
  private bufOffset = 0;
  /** Position in the window after the last unit taken: the reader reads on from here. */
  pos = 0;

  /** `copy`: `data` is a copy of the frame's bytes of its own (the reader's `copy` option). */
  constructor(
    private readonly parser: CaptureParser,
    private readonly copy = false,
  ) {}

  /** The frame's bytes: a view into the chunk (a copy with the `copy` option), made on first read. */
  get data(): Buffer {
    return (this.view ??= frameData(this.buffer, this.start, this.end, this.copy));
  }
  set data(data: Buffer) {
    this.view = data;
  }

  /** Advances to the next frame of the chunk; false when the chunk holds no further complete frame. */
  next(): boolean {
    this.filled = false;
    this.view = null;
    this.pos = this.parser.readFrame(this.buf, this.pos, this.windowEnd, this.bufOffset, this);
    return this.filled;
  }

  /** The current frame as an object of its own. */
  frame(): CaptureFrame {
    return frameOfSlot(this);
  }

  /** Every frame left in the chunk, as objects (what `batches()` yields). */
  rest(out: CaptureFrame[]): CaptureFrame[] {
    this.pos = this.parser.parse(this.buf, this.pos, this.windowEnd, this.bufOffset, out);
    this.filled = false;
    return out;
  }

  /** The reader's: the next window to read frames from. */
  load(buf: Buffer, pos: number, end: number, bufOffset: number): void {
    this.buf = buf;
    this.pos = pos;
    this.windowEnd = end;
    this.bufOffset = bufOffset;
    this.filled = false;
    this.view = null;
  }
}

const EMPTY = Buffer.alloc(0);
