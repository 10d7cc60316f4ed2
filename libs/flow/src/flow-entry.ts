import { endpointHistoryAt, putEndpointHistoryAt, type EndpointHistory } from './conn-history.recorder';
import type { EndpointState } from './conn-state';
import * as L from './flow-entry.layout';
import type { QuietList } from './flow-expiry.queue';
import { FlowIdText } from './flow-id';
import type { FlowState } from './flow-state';
import { FLOW_STATE_VERSION } from './flow-state.version';
import { flowStatsStateOf, putFlowStatsState, type FlowStatsState } from './flow-stats.accumulator';

const DECIMAL = Array.from({ length: 256 }, (_, i) => String(i));

/** Dotted-quad text of an IPv4 address held as a 32-bit integer (as @ids/packet formats it from the bytes). */
export function ipv4Text(address: number): string {
  return DECIMAL[address >>> 24] + '.' + DECIMAL[(address >>> 16) & 255] + '.' + DECIMAL[(address >>> 8) & 255] + '.' + DECIMAL[address & 255];
}

/**
 * One open flow as FlowTable keeps it: one object, its numbers in a slot of a Float64Array
 * (flow-entry.layout.ts), where the FlowState JSON has some 15 objects and a heap box per
 * fractional or large number. It reads as a FlowState (getters), and `JSON.stringify` gives the
 * FlowState JSON, field for field (`toJSON`), so a changelogged store can hold it as it is.
 *
 * The key, uid and address strings of an IPv4 flow found by its numeric tuple are made when first
 * read (a record, the store), not when the flow opens. The table also links the flow into its
 * expiry lists and tuple index through fields of this object, and reuses it once the flow is gone.
 */
export class FlowEntry implements FlowState {
  ipProto = 0;
  vlan: number | null = null;
  origP = 0;
  respP = 0;
  history = '';
  historySeen = 0;
  origState: EndpointState = 'INACTIVE';
  respState: EndpointState = 'INACTIVE';
  origFinAcked = false;
  respFinAcked = false;
  /** False for a flow restored from a v1 state, whose earlier packets were not measured: its record has stats null. */
  measured = true;
  /** Texts once made or given; null: made from the tuple when read. */
  keyText: string | null = null;
  uidText: string | null = null;
  origText: string | null = null;
  respText: string | null = null;

  // The canonical tuple (lower endpoint A first) + VLAN as numbers, when FlowTable indexes the flow
  // by it (flow-tuple.index.ts): addresses as big-endian 32-bit words, the last three 0 for IPv4.
  addrA = 0;
  addrA1 = 0;
  addrA2 = 0;
  addrA3 = 0;
  addrB = 0;
  addrB1 = 0;
  addrB2 = 0;
  addrB3 = 0;
  portA = 0;
  portB = 0;
  vlanId = 0;
  tupleV6 = false;
  /** In FlowTable's index by key (every flow that is not IPv4). */
  keyed = false;
  /** The initiator is endpoint A of the tuple (the lower one). */
  origIsA = false;
  /** Its hash in the table's numeric index, or -1 when not there. */
  tupleHash = -1;
  tupleNext: FlowEntry | null = null;

  // Places in FlowTable's expiry lists (flow-expiry.queue.ts).
  /** Order of opening: the table order records come out in. */
  seq = 0;
  quietList: QuietList | null = null;
  quietPrev: FlowEntry | null = null;
  quietNext: FlowEntry | null = null;
  openPrev: FlowEntry | null = null;
  openNext: FlowEntry | null = null;
  /** Marked while an expiry pass collects it (a flow can be due on two lists). */
  due = false;

  /**
   * `d`: where its numbers are, from `o` on (FLOW_ENTRY_NUMBERS of them): FlowTable gives the
   * entries it makes slots of one larger buffer; by default the entry has a buffer of its own.
   */
  constructor(
    readonly d: Float64Array = new Float64Array(L.FLOW_ENTRY_NUMBERS),
    readonly o = 0,
  ) {}

  /**
   * Event time (the table's watermark) when the flow was last moved in its quiet list (at most the
   * list's slack before its last packet) / opened; -Infinity when unknown (restored).
   */
  get touchedUs(): number { return this.d[this.o + L.TOUCHED_US]; }
  set touchedUs(us: number) { this.d[this.o + L.TOUCHED_US] = us; }
  get openedUs(): number { return this.d[this.o + L.OPENED_US]; }
  set openedUs(us: number) { this.d[this.o + L.OPENED_US] = us; }

  get v(): typeof FLOW_STATE_VERSION {
    return FLOW_STATE_VERSION;
  }

  get key(): string {
    if (this.keyText === null) {
      idText.clear();
      this.writeKey(idText);
      this.keepKeyTexts(idText.text(0, idText.length));
    }
    return this.keyText!;
  }

  get uid(): string {
    if (this.uidText === null) this.makeIds();
    return this.uidText!;
  }

  get flowId(): number {
    if (this.uidText === null) this.makeIds();
    return this.d[this.o + L.FLOW_ID];
  }

  get origH(): string {
    return (this.origText ??= ipv4Text(this.origIsA ? this.addrA : this.addrB));
  }

  get respH(): string {
    return (this.respText ??= ipv4Text(this.origIsA ? this.addrB : this.addrA));
  }

  get firstTsUs(): number { return this.d[this.o + L.FIRST_TS]; }
  get lastTsUs(): number { return this.d[this.o + L.LAST_TS]; }
  get origPkts(): number { return this.d[this.o + L.ORIG_PKTS]; }
  get respPkts(): number { return this.d[this.o + L.RESP_PKTS]; }
  get origBytes(): number { return this.d[this.o + L.ORIG_BYTES]; }
  get respBytes(): number { return this.d[this.o + L.RESP_BYTES]; }
  get origIpBytes(): number { return this.d[this.o + L.ORIG_IP_BYTES]; }
  get respIpBytes(): number { return this.d[this.o + L.RESP_IP_BYTES]; }
  get origWireBytes(): number { return this.d[this.o + L.ORIG_WIRE_BYTES]; }
  get respWireBytes(): number { return this.d[this.o + L.RESP_WIRE_BYTES]; }
  get origHistory(): EndpointHistory { return endpointHistoryAt(this.d, this.o + L.ORIG_HISTORY); }
  get respHistory(): EndpointHistory { return endpointHistoryAt(this.d, this.o + L.RESP_HISTORY); }
  get origFinSeq(): number | null { return nullable(this.d[this.o + L.ORIG_FIN_SEQ]); }
  get respFinSeq(): number | null { return nullable(this.d[this.o + L.RESP_FIN_SEQ]); }
  get stats(): FlowStatsState | null { return this.measured ? flowStatsStateOf(this.d, this.o) : null; }

  /** The FlowState JSON of this flow: the fields in the order FlowState v2 has always been written in. */
  toJSON(): FlowState {
    return {
      v: this.v,
      key: this.key,
      uid: this.uid,
      flowId: this.flowId,
      ipProto: this.ipProto,
      vlan: this.vlan,
      origH: this.origH,
      origP: this.origP,
      respH: this.respH,
      respP: this.respP,
      firstTsUs: this.firstTsUs,
      lastTsUs: this.lastTsUs,
      origPkts: this.origPkts,
      respPkts: this.respPkts,
      origBytes: this.origBytes,
      respBytes: this.respBytes,
      origIpBytes: this.origIpBytes,
      respIpBytes: this.respIpBytes,
      origWireBytes: this.origWireBytes,
      respWireBytes: this.respWireBytes,
      history: this.history,
      historySeen: this.historySeen,
      origHistory: this.origHistory,
      respHistory: this.respHistory,
      origState: this.origState,
      respState: this.respState,
      origFinSeq: this.origFinSeq,
      respFinSeq: this.respFinSeq,
      origFinAcked: this.origFinAcked,
      respFinAcked: this.respFinAcked,
      stats: this.stats,
    };
  }

  /** Makes this entry the flow of a FlowState (current version; see `upgradeFlowState`). Not indexed by tuple. */
  load(s: FlowState): this {
    const d = this.d;
    const o = this.o;
    this.keyText = s.key;
    this.uidText = s.uid;
    d[o + L.FLOW_ID] = s.flowId;
    this.ipProto = s.ipProto;
    this.vlan = s.vlan;
    this.origText = s.origH;
    this.origP = s.origP;
    this.respText = s.respH;
    this.respP = s.respP;
    d[o + L.FIRST_TS] = s.firstTsUs;
    d[o + L.LAST_TS] = s.lastTsUs;
    d[o + L.ORIG_PKTS] = s.origPkts;
    d[o + L.RESP_PKTS] = s.respPkts;
    d[o + L.ORIG_BYTES] = s.origBytes;
    d[o + L.RESP_BYTES] = s.respBytes;
    d[o + L.ORIG_IP_BYTES] = s.origIpBytes;
    d[o + L.RESP_IP_BYTES] = s.respIpBytes;
    d[o + L.ORIG_WIRE_BYTES] = s.origWireBytes;
    d[o + L.RESP_WIRE_BYTES] = s.respWireBytes;
    this.history = s.history;
    this.historySeen = s.historySeen;
    putEndpointHistoryAt(d, o + L.ORIG_HISTORY, s.origHistory);
    putEndpointHistoryAt(d, o + L.RESP_HISTORY, s.respHistory);
    this.origState = s.origState;
    this.respState = s.respState;
    d[o + L.ORIG_FIN_SEQ] = s.origFinSeq ?? NaN;
    d[o + L.RESP_FIN_SEQ] = s.respFinSeq ?? NaN;
    this.origFinAcked = s.origFinAcked;
    this.respFinAcked = s.respFinAcked;
    const stats = s.stats ?? null;
    this.measured = stats !== null;
    if (stats !== null) putFlowStatsState(d, o, stats);
    this.tupleHash = -1;
    this.tupleNext = null;
    return this;
  }

  /** Forgets the texts (the entry is about to be reused for another flow). */
  clearTexts(): void {
    this.keyText = null;
    this.uidText = null;
    this.origText = null;
    this.respText = null;
  }

  /**
   * The uid and numeric id, from the key (made here too if need be) and the first packet time.
   * A key made here is decoded with the uid in one string (`key@time` then the uid), and both are
   * slices of it: one decode, not two.
   */
  private makeIds(): void {
    const text = idText;
    text.clear();
    const made = this.keyText === null;
    if (made) this.writeKey(text);
    else text.string(this.keyText!);
    text.idsOf(this.d[this.o + L.FIRST_TS]);
    this.d[this.o + L.FLOW_ID] = text.flowId;
    if (!made) {
      this.uidText = text.uid();
      return;
    }
    const uidStart = text.length;
    text.appendUid();
    const all = text.text(0, text.length);
    this.uidText = all.substring(uidStart);
    this.keepKeyTexts(all);
  }

  /**
   * Writes the key of an IPv4 flow from its tuple (flowKey's text) to `text`, from its start,
   * and notes where it and its addresses end (keyEnd, aStart...).
   */
  private writeKey(text: FlowIdText): void {
    text.decimal(this.ipProto);
    text.char(SLASH);
    text.decimal(this.vlanId);
    text.char(SLASH);
    aStart = text.length;
    text.ipv4(this.addrA);
    aEnd = text.length;
    text.char(SLASH);
    text.decimal(this.portA);
    text.char(SLASH);
    bStart = text.length;
    text.ipv4(this.addrB);
    bEnd = text.length;
    text.char(SLASH);
    text.decimal(this.portB);
    keyEnd = text.length;
  }

  /**
   * Keeps the key that `writeKey` wrote, from `all` (which holds it from its start), and the
   * address texts unless made before: substrings of it (one string each; a record and the store
   * read them too), not dotted quads joined piece by piece.
   */
  private keepKeyTexts(all: string): void {
    const key = all.length === keyEnd ? all : all.substring(0, keyEnd);
    this.keyText = key;
    this.origText ??= this.origIsA ? key.substring(aStart, aEnd) : key.substring(bStart, bEnd);
    this.respText ??= this.origIsA ? key.substring(bStart, bEnd) : key.substring(aStart, aEnd);
  }
}

const SLASH = 47;
/** Where keys and ids are written (one at a time). */
const idText = new FlowIdText();
/** Where the last key `writeKey` wrote ends in its text, and its addresses start and end. */
let keyEnd = 0;
let aStart = 0;
let aEnd = 0;
let bStart = 0;
let bEnd = 0;

function nullable(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
