import { compareConnections, type WindowConnection } from './window-connection';

type Ordered = Pick<WindowConnection, 'endUs' | 'uid'>;

/**
 * A binary min-heap in `compareConnections` order (end time, then uid): connections waiting for the
 * watermark come out oldest first, so releasing the due ones costs O(log n) each instead of a sort
 * of everything waiting on every watermark.
 */
export class ConnectionHeap<T extends Ordered> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The first in order, if any, without taking it. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (Number.isNaN(item.endUs)) throw new ConnectionHeapUnorderedError(item);
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareConnections(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** Takes the first in order, if any. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && compareConnections(items[left], items[least]) < 0) least = left;
      if (right < items.length && compareConnections(items[right], items[least]) < 0) least = right;
      if (least === i) return top;
      [items[i], items[least]] = [items[least], items[i]];
      i = least;
    }
  }
}

/** A NaN end time has no place in the order: the heap refuses it rather than lose its shape. */
export class ConnectionHeapUnorderedError extends Error {
  readonly code = 'CONNECTION_HEAP_UNORDERED';
  readonly retriable = false;
  constructor(readonly item: Ordered) {
    super(`connection ${item.uid}: end time ${item.endUs} cannot be ordered`);
    this.name = 'ConnectionHeapUnorderedError';
  }
}
