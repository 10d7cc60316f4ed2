import type { FlowEntry } from './flow-entry';
import type { FlowKeyParts } from './flow-key';
import type { FlowPacket } from './flow-state';

/**
 * FlowTable's numeric index: flows by their canonical 5-tuple + VLAN as numbers (addresses as
 * 32-bit words, the lower endpoint A first), so a packet that carries its frame finds its flow
 * without a key string. The tuple lives in fields of the FlowEntry; the index is an array of
 * buckets chained through `FlowEntry.tupleNext`, doubled when it holds more flows than buckets.
 *
 * One lookup: set the scratch tuple (`fromPacket` / `fromKey`), then `find`, or `add` a flow
 * under it.
 */
export class FlowTupleIndex {
  private buckets: (FlowEntry | null)[] = emptyBuckets(INITIAL_BUCKETS);
  private count = 0;
  // The scratch tuple.
  private a0 = 0;
  private a1 = 0;
  private a2 = 0;
  private a3 = 0;
  private b0 = 0;
  private b1 = 0;
  private b2 = 0;
  private b3 = 0;
  private portA = 0;
  private portB = 0;
  private proto = 0;
  private vlanId = 0;
  /** The scratch tuple is IPv6. */
  v6 = false;
  private hash = 0;

  /**
   * The scratch tuple of `pkt`: an IPv4 packet (from its frame bytes, else from its address
   * text) or an IPv6 packet that carries its frame. False (nothing set) for any other.
   * `srcFirst`: the sender is endpoint A.
   */
  fromPacket(pkt: FlowPacket, srcFirst: boolean): boolean {
    const frame = pkt.frame;
    const version = pkt.ipVersion;
    if (frame !== undefined && pkt.ipOffset !== undefined && (version === 4 || version === 6)) {
      const src = pkt.ipOffset + (version === 4 ? 12 : 8);
      const dst = src + (version === 4 ? 4 : 16);
      const s = srcFirst ? src : dst;
      const d = srcFirst ? dst : src;
      this.a0 = word(frame, s);
      this.b0 = word(frame, d);
      if (version === 6) {
        this.a1 = word(frame, s + 4);
        this.a2 = word(frame, s + 8);
        this.a3 = word(frame, s + 12);
        this.b1 = word(frame, d + 4);
        this.b2 = word(frame, d + 8);
        this.b3 = word(frame, d + 12);
      }
      this.v6 = version === 6;
    } else {
      if (version === 6) return false;
      const src = parseIpv4(pkt.src);
      const dst = src < 0 ? -1 : parseIpv4(pkt.dst);
      if (dst < 0) return false;
      this.a0 = (srcFirst ? src : dst) | 0;
      this.b0 = (srcFirst ? dst : src) | 0;
      this.v6 = false;
    }
    if (!this.v6) this.a1 = this.a2 = this.a3 = this.b1 = this.b2 = this.b3 = 0;
    this.portA = srcFirst ? pkt.srcPort : pkt.dstPort;
    this.portB = srcFirst ? pkt.dstPort : pkt.srcPort;
    this.proto = pkt.ipProto;
    this.vlanId = pkt.vlan ?? 0;
    this.hash = this.hashOf();
    return true;
  }

  /** The scratch tuple of a key (flow-key.ts) whose addresses are IPv4; false (nothing set) for any other. */
  fromKey(parts: FlowKeyParts): boolean {
    const a = parseIpv4(parts.addressA);
    const b = a < 0 ? -1 : parseIpv4(parts.addressB);
    if (b < 0) return false;
    this.a0 = a | 0;
    this.b0 = b | 0;
    this.a1 = this.a2 = this.a3 = this.b1 = this.b2 = this.b3 = 0;
    this.v6 = false;
    this.portA = parts.portA;
    this.portB = parts.portB;
    this.proto = parts.ipProto;
    this.vlanId = parts.vlan;
    this.hash = this.hashOf();
    return true;
  }

  /** The flow of the scratch tuple, or null. */
  find(): FlowEntry | null {
    const hash = this.hash;
    for (let f = this.buckets[hash & (this.buckets.length - 1)]; f !== null; f = f.tupleNext) {
      if (f.tupleHash === hash && f.addrA === this.a0 && f.addrB === this.b0 && f.portA === this.portA && f.portB === this.portB
        && f.ipProto === this.proto && f.vlanId === this.vlanId && f.tupleV6 === this.v6
        && (!this.v6 || (f.addrA1 === this.a1 && f.addrA2 === this.a2 && f.addrA3 === this.a3 && f.addrB1 === this.b1 && f.addrB2 === this.b2 && f.addrB3 === this.b3))) return f;
    }
    return null;
  }

  /** Gives `flow` the scratch tuple (its IPv4 key and addresses are made from it), without indexing it. */
  assign(flow: FlowEntry): void {
    flow.ipProto = this.proto;
    flow.addrA = this.a0;
    flow.addrA1 = this.a1;
    flow.addrA2 = this.a2;
    flow.addrA3 = this.a3;
    flow.addrB = this.b0;
    flow.addrB1 = this.b1;
    flow.addrB2 = this.b2;
    flow.addrB3 = this.b3;
    flow.portA = this.portA;
    flow.portB = this.portB;
    flow.vlanId = this.vlanId;
    flow.tupleV6 = this.v6;
  }

  /** Indexes `flow` under the scratch tuple. */
  add(flow: FlowEntry): void {
    this.assign(flow);
    flow.tupleHash = this.hash;
    this.link(flow);
    if (++this.count > this.buckets.length) this.grow();
  }

  remove(flow: FlowEntry): void {
    const i = flow.tupleHash & (this.buckets.length - 1);
    const head = this.buckets[i];
    if (head === flow) {
      this.buckets[i] = flow.tupleNext;
    } else {
      for (let f = head; f !== null; f = f.tupleNext) {
        if (f.tupleNext === flow) {
          f.tupleNext = flow.tupleNext;
          break;
        }
      }
    }
    flow.tupleNext = null;
    flow.tupleHash = -1;
    this.count--;
  }

  clear(): void {
    this.buckets = emptyBuckets(INITIAL_BUCKETS);
    this.count = 0;
  }

  private link(flow: FlowEntry): void {
    const i = flow.tupleHash & (this.buckets.length - 1);
    flow.tupleNext = this.buckets[i];
    this.buckets[i] = flow;
  }

  private grow(): void {
    const old = this.buckets;
    this.buckets = emptyBuckets(old.length * 2);
    for (let head of old) {
      while (head !== null) {
        const next = head.tupleNext;
        this.link(head);
        head = next;
      }
    }
  }

  /** A 30-bit hash of the scratch tuple (a small integer: V8 keeps it unboxed). */
  private hashOf(): number {
    let h = Math.imul(this.a0 ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ this.b0, 0xc2b2ae35);
    if (this.v6) {
      h = Math.imul(h ^ (h >>> 13) ^ this.a1, 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 16) ^ this.a2, 0xc2b2ae35);
      h = Math.imul(h ^ (h >>> 13) ^ this.a3, 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 16) ^ this.b1, 0xc2b2ae35);
      h = Math.imul(h ^ (h >>> 13) ^ this.b2, 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 16) ^ this.b3, 0xc2b2ae35);
    }
    h = Math.imul(h ^ (h >>> 13) ^ ((this.portA << 16) | this.portB), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16) ^ (this.proto << 24) ^ this.vlanId, 0x27d4eb2d);
    return (h ^ (h >>> 15)) & 0x3fffffff;
  }
}

const INITIAL_BUCKETS = 1024;

function emptyBuckets(n: number): (FlowEntry | null)[] {
  return new Array<FlowEntry | null>(n).fill(null);
}

/** The big-endian 32-bit word at `at`, as a signed integer (a small integer for V8). */
function word(frame: Uint8Array, at: number): number {
  return (frame[at] << 24) | (frame[at + 1] << 16) | (frame[at + 2] << 8) | frame[at + 3];
}

/**
 * The 32-bit value of a dotted quad as @ids/packet writes it ('10.0.0.5'), or -1 when `text` is
 * not one (a leading zero included: the number must give back the same text).
 */
export function parseIpv4(text: string): number {
  let value = 0;
  let part = -1;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (part < 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = -1;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (part === 0) return -1;
      part = part < 0 ? c - 48 : part * 10 + (c - 48);
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (part < 0 || dots !== 3) return -1;
  return value * 256 + part;
}
