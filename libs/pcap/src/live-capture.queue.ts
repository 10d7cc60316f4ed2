/**
 * A bounded FIFO of frames between libpcap's callback and the consumer: a ring of at most
 * `maxFrames` entries holding at most `maxBytes` of frame data. `push` refuses what does not fit;
 * the caller counts the refusal as a drop. Nothing here grows without bound.
 */
export class BoundedFrameQueue<T extends { data: Buffer }> {
  private readonly ring: (T | undefined)[];
  private head = 0;
  private size = 0;
  private byteCount = 0;

  constructor(
    readonly maxFrames: number,
    readonly maxBytes: number,
  ) {
    this.ring = new Array<T | undefined>(maxFrames);
  }

  get length(): number {
    return this.size;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** Whether a frame of `bytes` bytes would be accepted now. */
  fits(bytes: number): boolean {
    return this.size < this.maxFrames && this.byteCount + bytes <= this.maxBytes;
  }

  /** Appends, or returns false (and keeps nothing) when the queue is full. */
  push(item: T): boolean {
    if (!this.fits(item.data.length)) return false;
    this.ring[(this.head + this.size) % this.maxFrames] = item;
    this.size++;
    this.byteCount += item.data.length;
    return true;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.maxFrames;
    this.size--;
    this.byteCount -= item.data.length;
    return item;
  }

  /** Removes and returns up to `max` items, oldest first. */
  take(max: number): T[] {
    const out: T[] = [];
    while (out.length < max && this.size > 0) out.push(this.shift()!);
    return out;
  }
}
