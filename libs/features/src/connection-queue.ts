import type { WindowConnection } from './window-connection';

/**
 * Connections of one window key, oldest first, addressed by a position that keeps counting across
 * what was dropped: windows keep cursors (where the 2-second window starts, where the last-100
 * starts) as positions, and dropping from the front never moves them. Dropping is amortised O(1):
 * the backing array is compacted only when its dropped prefix is the larger half.
 */
export class ConnectionQueue {
  private items: WindowConnection[] = [];
  /** Position of items[0]. */
  private base = 0;
  /** Position of the oldest connection still held. */
  private first = 0;

  /** Position of the oldest connection held. */
  get start(): number {
    return this.first;
  }

  /** Position the next pushed connection gets. */
  get end(): number {
    return this.base + this.items.length;
  }

  get size(): number {
    return this.end - this.first;
  }

  /** The connection at `position`, which must be in [start, end). */
  at(position: number): WindowConnection {
    return this.items[position - this.base];
  }

  /** The newest connection, if any. */
  get newest(): WindowConnection | undefined {
    return this.size > 0 ? this.items[this.items.length - 1] : undefined;
  }

  push(conn: WindowConnection): void {
    this.items.push(conn);
  }

  /** Forgets every connection before `position` (clamped to what is held). */
  dropBefore(position: number): void {
    this.first = Math.min(Math.max(this.first, position), this.end);
    const dropped = this.first - this.base;
    if (dropped > 64 && dropped * 2 > this.items.length) {
      this.items = this.items.slice(dropped);
      this.base = this.first;
    }
  }

  /** The held connections, oldest first, as a new array. */
  toArray(): WindowConnection[] {
    return this.items.slice(this.first - this.base);
  }
}
