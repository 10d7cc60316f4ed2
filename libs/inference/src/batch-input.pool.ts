/**
 * Batch input matrices in SharedArrayBuffers, reused. The engine packs a batch once; every model
 * of the snapshot, and a retry on another worker, read that same memory: nothing is copied or
 * transferred on the way to the workers, and a large batch no longer allocates (and leaves to the
 * GC) a fresh 400 KB buffer per model. A buffer goes back to the pool when its batch has ended,
 * so at most one buffer per batch in flight exists, plus `maxFree` kept for the next ones.
 */
export class BatchInputPool {
  private readonly free: SharedArrayBuffer[] = [];

  constructor(readonly maxFree = 4) {
    if (!Number.isInteger(maxFree) || maxFree < 0) throw new RangeError(`maxFree must be an integer >= 0, got ${maxFree}`);
  }

  /** Buffers waiting for reuse. */
  get idle(): number {
    return this.free.length;
  }

  /**
   * A float32 view of exactly `length` values over shared memory of at least `capacity` values
   * (pass the largest batch so one buffer fits every batch size); its contents are stale.
   */
  acquire(length: number, capacity = length): Float32Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be an integer >= 0, got ${length}`);
    const bytes = length * Float32Array.BYTES_PER_ELEMENT;
    for (let i = this.free.length - 1; i >= 0; i--) {
      if (this.free[i].byteLength >= bytes) return new Float32Array(this.free.splice(i, 1)[0], 0, length);
    }
    return new Float32Array(new SharedArrayBuffer(Math.max(length, capacity) * Float32Array.BYTES_PER_ELEMENT), 0, length);
  }

  /** Gives a view from acquire back; its memory may be handed out again at once. */
  release(view: Float32Array): void {
    const buffer = view.buffer;
    if (!(buffer instanceof SharedArrayBuffer) || this.free.includes(buffer)) return;
    if (this.free.length >= this.maxFree) {
      // keep the largest: a small one would only be replaced the next time a large batch comes
      const smallest = this.free.reduce((s, b, i) => (b.byteLength < this.free[s].byteLength ? i : s), 0);
      if (this.maxFree === 0 || this.free[smallest].byteLength >= buffer.byteLength) return;
      this.free.splice(smallest, 1);
    }
    this.free.push(buffer);
  }
}
