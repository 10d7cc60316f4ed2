/**
 * Per-flow named bits for `flowbits: set|unset|toggle|isset|isnotset`, bounded in flows and in
 * bits per flow. Flows are kept in least-recently-used order; beyond `maxFlows` the oldest loses
 * its bits (counted). A `set` beyond `maxBitsPerFlow` is dropped (counted). The engine calls
 * `remove` when a flow ends.
 *
 * `isset`/`isnotset` accept Suricata's OR groups: `isset,a|b` is true when any is set,
 * `isnotset,a|b` when any is not set. `&` is no operator there: Suricata 7.0.10 takes `a&b` as one
 * bit name (the spec's group cases are what it alerted on).
 */

export interface FlowbitsStoreOptions {
  readonly maxFlows: number;
  readonly maxBitsPerFlow: number;
}

export const DEFAULT_FLOWBITS_STORE_OPTIONS: FlowbitsStoreOptions = { maxFlows: 100_000, maxBitsPerFlow: 64 };

export type FlowbitsCommand = 'set' | 'unset' | 'toggle' | 'isset' | 'isnotset' | 'noalert';

export class FlowbitsStore {
  readonly counters = { evictedFlows: 0, droppedBits: 0 };
  private readonly flows = new Map<string, Set<string>>();

  constructor(private readonly options: FlowbitsStoreOptions = DEFAULT_FLOWBITS_STORE_OPTIONS) {}

  get size(): number {
    return this.flows.size;
  }

  set(flow: string, name: string): void {
    const bits = this.bitsForWrite(flow);
    if (bits.has(name)) return;
    if (bits.size >= this.options.maxBitsPerFlow) { this.counters.droppedBits++; return; }
    bits.add(name);
  }

  unset(flow: string, name: string): void {
    const bits = this.flows.get(flow);
    if (bits === undefined) return;
    bits.delete(name);
    if (bits.size === 0) this.flows.delete(flow);
  }

  toggle(flow: string, name: string): void {
    if (this.flows.get(flow)?.has(name) === true) this.unset(flow, name); else this.set(flow, name);
  }

  /** `a` set; `a|b` any set. */
  isset(flow: string, expr: string): boolean {
    const bits = this.flows.get(flow);
    return expr.split('|').some((n) => bits?.has(n.trim()) === true);
  }

  /** `a` not set; `a|b` any not set. */
  isnotset(flow: string, expr: string): boolean {
    const bits = this.flows.get(flow);
    return expr.split('|').some((n) => bits?.has(n.trim()) !== true);
  }

  /** Applies a parsed `flowbits:` option; conditions answer, actions answer true. */
  apply(flow: string, command: FlowbitsCommand, expr: string): boolean {
    switch (command) {
      case 'set': this.set(flow, expr); return true;
      case 'unset': this.unset(flow, expr); return true;
      case 'toggle': this.toggle(flow, expr); return true;
      case 'isset': return this.isset(flow, expr);
      case 'isnotset': return this.isnotset(flow, expr);
      case 'noalert': return true;
    }
  }

  /** The bits of a flow, sorted (for tests and state snapshots). */
  bits(flow: string): string[] {
    return [...(this.flows.get(flow) ?? [])].sort();
  }

  remove(flow: string): boolean {
    // Most rule sets set no bits: then no hash of the key string per new or dropped flow.
    return this.flows.size > 0 && this.flows.delete(flow);
  }

  private bitsForWrite(flow: string): Set<string> {
    let bits = this.flows.get(flow);
    if (bits !== undefined) {
      this.flows.delete(flow);
      this.flows.set(flow, bits);
      return bits;
    }
    if (this.flows.size >= this.options.maxFlows) {
      const oldest = this.flows.keys().next();
      if (oldest.done !== true) { this.flows.delete(oldest.value); this.counters.evictedFlows++; }
    }
    bits = new Set();
    this.flows.set(flow, bits);
    return bits;
  }
}
