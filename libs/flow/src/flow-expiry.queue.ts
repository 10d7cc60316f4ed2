import type { FlowOptions } from './flow-options';
import type { FlowEntry } from './flow-entry';
import { expiry, finishedReason, type FlowState } from './flow-state';

/** A doubly-linked list of flows by last activity, all with the same quiet timeout. */
export class QuietList {
  head: FlowEntry | null = null;
  tail: FlowEntry | null = null;
  /** How stale a flow's place may get before a packet moves it (FlowExpiryQueue.touch): 1 s, less for short timeouts. */
  readonly slackUs: number;
  constructor(readonly timeoutUs: number) {
    this.slackUs = Math.min(1_000_000, Math.floor(timeoutUs / 16));
  }

  append(f: FlowEntry): void {
    f.quietPrev = this.tail;
    f.quietNext = null;
    if (this.tail === null) this.head = f;
    else this.tail.quietNext = f;
    this.tail = f;
  }

  remove(f: FlowEntry): void {
    if (f.quietPrev === null) this.head = f.quietNext;
    else f.quietPrev.quietNext = f.quietNext;
    if (f.quietNext === null) this.tail = f.quietPrev;
    else f.quietNext.quietPrev = f.quietPrev;
    f.quietPrev = null;
    f.quietNext = null;
  }
}

const TCP = 6;
const UDP = 17;

/**
 * How long `state` may stay quiet before it expires: the idle timeout of its protocol, or for a
 * finished TCP flow the closing timeout when that is shorter (see `expiry`). All flows with the
 * same value share one list.
 */
export function quietTimeoutUs(state: FlowState, options: FlowOptions): number {
  let idle: number;
  switch (state.ipProto) {
    case TCP: idle = options.tcpIdleTimeoutUs; break;
    case UDP: idle = options.udpIdleTimeoutUs; break;
    case 1:
    case 58: idle = options.icmpIdleTimeoutUs; break;
    default: idle = options.otherIdleTimeoutUs;
  }
  return finishedReason(state) !== null && options.tcpClosingTimeoutUs < idle ? options.tcpClosingTimeoutUs : idle;
}

/**
 * Finds timed-out flows without scanning the table: every flow is on one list per quiet timeout,
 * in order of last activity (moved to the back by its packets, as NFStream's LRU, at most once
 * per the list's slack), and on one
 * list in order of opening (for the active timeout), linked through fields of its FlowEntry (no
 * node object per flow). An expiry pass walks each list from the
 * front and stops at the first flow that cannot be due yet, so it costs O(due flows).
 *
 * Packets may arrive late (time below the watermark). A flow's last packet time is at least the
 * watermark when it was last moved (`touchedUs`) less the largest lateness seen (`maxLagUs`), so
 * the walks stop only where even that lower bound is not due: exact for any order, O(due) for
 * ordered input (plus flows checked up to a slack early).
 */
export class FlowExpiryQueue {
  private readonly quiet: QuietList[] = [];
  private openHead: FlowEntry | null = null;
  private openTail: FlowEntry | null = null;
  /** Largest `watermark - packet time` seen so far. */
  maxLagUs = 0;
  /**
   * The table's watermark, the time `open` and `touch` put a flow at: a time is a double, which a
   * call that is not inlined would pass in a heap box of its own, one per packet.
   */
  watermarkUs = -Infinity;

  constructor(private readonly options: FlowOptions) {}

  /** Adds a new flow at the back of the opening order, opened at `watermarkUs`; `touch` it next. */
  open(f: FlowEntry): void {
    f.openedUs = this.watermarkUs;
    f.openPrev = this.openTail;
    f.openNext = null;
    if (this.openTail === null) this.openHead = f;
    else this.openTail.openNext = f;
    this.openTail = f;
  }

  /**
   * A packet of the flow at the table's `watermarkUs`: moves it to the back of its quiet list (which may
   * change with its state), unless it is on that list already and was moved there less than the
   * list's slack ago. Its place then says a little less than when it was last active (by the
   * slack at most), which the walks allow for (they check it a few passes early), and most packets
   * move nothing: unlinking a flow writes into two other flows, likely out of cache.
   */
  touch(f: FlowEntry): void {
    const watermarkUs = this.watermarkUs;
    const timeoutUs = quietTimeoutUs(f, this.options);
    const current = f.quietList;
    const same = current !== null && current.timeoutUs === timeoutUs;
    if (same && watermarkUs - f.touchedUs <= current.slackUs) return;
    const list = same ? current : this.listOf(timeoutUs);
    current?.remove(f);
    f.touchedUs = watermarkUs;
    list.append(f);
    f.quietList = list;
  }

  remove(f: FlowEntry): void {
    f.quietList?.remove(f);
    f.quietList = null;
    if (f.openPrev === null) this.openHead = f.openNext;
    else f.openPrev.openNext = f.openNext;
    if (f.openNext === null) this.openTail = f.openPrev;
    else f.openNext.openPrev = f.openPrev;
    f.openPrev = null;
    f.openNext = null;
  }

  /** Every flow in order of opening. */
  *inOpeningOrder(): IterableIterator<FlowEntry> {
    for (let f = this.openHead; f !== null; ) {
      const next = f.openNext;
      yield f;
      f = next;
    }
  }

  clear(): void {
    this.quiet.length = 0;
    this.openHead = null;
    this.openTail = null;
  }

  /** The flows that have timed out at `nowUs`, in order of opening (not removed). */
  due(nowUs: number): FlowEntry[] {
    const out: FlowEntry[] = [];
    const lag = this.maxLagUs;
    for (const list of this.quiet) {
      for (let f = list.head; f !== null && f.touchedUs - lag + list.timeoutUs <= nowUs; f = f.quietNext) this.check(f, nowUs, out);
    }
    const active = this.options.activeTimeoutUs;
    for (let f = this.openHead; f !== null && f.openedUs - lag + active <= nowUs; f = f.openNext) this.check(f, nowUs, out);
    for (const f of out) f.due = false;
    if (out.length > 1) out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  private check(f: FlowEntry, nowUs: number, out: FlowEntry[]): void {
    if (!f.due && expiry(f, nowUs, this.options) !== null) {
      f.due = true;
      out.push(f);
    }
  }

  private listOf(timeoutUs: number): QuietList {
    for (const list of this.quiet) if (list.timeoutUs === timeoutUs) return list;
    const list = new QuietList(timeoutUs);
    this.quiet.push(list);
    return list;
  }
}
