/**
 * The signature engine: compiled rules (@ids/rules) against decoded packets (@ids/packet), with
 * Suricata 7's counting semantics. Pure and deterministic: event time from packets only.
 *
 * Per packet: flow tracking (direction, established), TCP reassembly into an HTTP request parser
 * (client to server) and a status-line parser (server to client), then candidate rules by
 * protocol and fast-pattern prefilter, the header, the packet options, flowbits, and
 * threshold/detection_filter.
 *
 * What a rule sees (see README "Signature engine"):
 * - `pkt_data` is the packet's own payload. Rules whose reach is bounded (stream-scope.ts: TCP,
 *   positive contents only, no dsize) also match across segment boundaries of the in-order
 *   stream: a match that needs bytes from before this packet and from it alerts on this packet,
 *   once; a match inside one packet is that packet's, as before.
 * - The `http_*` request buffers of a request are visible on the packet whose bytes completed it
 *   (headers, and the body when it has one); `http_stat_code` on the packet that completed a
 *   response's status line. One alert per request or response, as Suricata alerts once per
 *   transaction. Several requests completed by one packet are each inspected by the rules that
 *   read an HTTP buffer; the other rules see the packet once.
 */

import type { SignatureHitRecord } from '@ids/contracts';
import { flowNumericId } from '@ids/flow';
import type { DecodedPacket } from '@ids/packet';
import { matchPacketOptions, type BufferName, type Rule, type RuleMatchContext, type ThresholdSpec as RuleThresholdSpec } from '@ids/rules';
import { DEFAULT_DETECTION_FLOW_TRACKER_OPTIONS, DetectionFlowTracker, flowTupleOf, type DetectionFlowTrackerOptions, type FlowObservation, type FlowTuple } from './detection-flow.tracker';
import { FlowbitsStore } from './flowbits.store';
import { HttpRequestParser, type HttpRequest } from './http-request.parser';
import { HttpResponseStatusParser } from './http-response-status.parser';
import { DEFAULT_TCP_REASSEMBLY_OPTIONS, TcpStreamReassembler, type TcpReassemblyOptions, type TcpSegment, type TcpStreamDelivery } from './tcp-stream.reassembler';
import { BOUNDARY_GATE_MIN_LENGTH, StreamBoundaryGate } from './stream-boundary.gate';
import { prefilterDecides } from './prefilter-decides';
import { boundaryContentOf, streamScope, streamWindowBytes, type StreamScope } from './stream-scope';
import { ThresholdTracker, validateThresholdSpec, type ThresholdEntry, type ThresholdSpec } from './threshold.tracker';
import { WuManberMatcher } from './wu-manber.matcher';

export interface SignatureEngineOptions {
  readonly flows?: Partial<DetectionFlowTrackerOptions>;
  /**
   * Return matches of threshold / detection_filter rules with `deferredTrack` set instead of
   * counting them here: a stage whose engines each see one partition of the packets cannot count
   * per source or destination address; it re-keys those matches by address and lets a
   * `ThresholdGate` count them in one place.
   */
  readonly deferThresholds?: boolean;
}

/** Applies rules' threshold and detection_filter to matches, in the order they are given. */
export class ThresholdGate {
  private readonly tracker = new ThresholdTracker();
  private readonly specs = new Map<string, { threshold: ThresholdSpec | null; detectionFilter: ThresholdSpec | null }>();

  constructor(rules: readonly Rule[]) {
    for (const rule of rules) {
      this.specs.set(`${rule.gid}:${rule.sid}`, { threshold: toTrackerSpec(rule, rule.threshold), detectionFilter: toTrackerSpec(rule, rule.detectionFilter) });
    }
  }

  /** Whether this match of rule gid:sid alerts (an unknown rule: yes, there is nothing to count). */
  allow(gid: number, sid: number, src: string, dst: string, tsUs: number): boolean {
    const spec = this.specs.get(`${gid}:${sid}`);
    if (!spec) return true;
    if (spec.detectionFilter !== null && !this.tracker.shouldAlert(spec.detectionFilter, sid, gid, src, dst, tsUs)) return false;
    if (spec.threshold !== null && !this.tracker.shouldAlert(spec.threshold, sid, gid, src, dst, tsUs)) return false;
    return true;
  }

  expire(nowUs: number): void {
    this.tracker.expire(nowUs);
  }

  /** The counting windows changed since the last call (null: dropped): see ThresholdTracker. */
  takeChanges(): Array<[string, ThresholdEntry | null]> {
    return this.tracker.takeChanges();
  }

  /** Puts back a counting window a previous gate's takeChanges() gave. */
  restore(key: string, entry: unknown): void {
    this.tracker.restore(key, entry);
  }
}

export interface SignatureMatch {
  readonly rule: Rule;
  readonly tsUs: number;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** 'TCP', 'UDP', 'ICMP', 'IPv6-ICMP', else the IP protocol number as text. */
  readonly proto: string;
  /** With `deferThresholds`: the address the rule's threshold counts by; the match is not an alert yet. */
  readonly deferredTrack?: string;
  readonly flowKey: string;
  /** @ids/flow's flowNumericId of the key and the flow's first packet time (as the flows stage). */
  readonly flowId: number;
}

export interface SignatureEngineStats {
  packets: number;
  /** Rules whose header and options were checked (after protocol and prefilter). */
  evaluated: number;
  /** Rules that matched (before flowbits noalert and thresholds). */
  matched: number;
  alerts: number;
  /** Matches a threshold or detection_filter kept from alerting. */
  thresholded: number;
  httpRequests: number;
  httpResponses: number;
}

export class SignatureRuleInvalidError extends Error {
  readonly code = 'SIGNATURE_RULE_INVALID';
  constructor(readonly rule: Rule, reason: string) {
    super(`${rule.file}:${rule.line}: sid ${rule.sid}: ${reason}`);
    this.name = 'SignatureRuleInvalidError';
  }
}

interface ConnectionState {
  /** flowNumericId of the flow, computed on its first match (0: not yet). */
  flowId: number;
  stream: TcpStreamReassembler | null;
  requests: HttpRequestParser | null;
  responses: HttpResponseStatusParser | null;
  /** HTTP seen on this connection: `http` rules apply to its packets. */
  http: boolean;
  /** Whether this connection's bytes go through reassembly and the HTTP parsers: 0 not decided yet, 1 yes, -1 no. */
  parse: number;
  /** Whether some stream-scope rule admits this connection's endpoints: 0 not decided yet, 1 yes, -1 no. */
  streamScan: number;
}

interface CompiledRule {
  readonly index: number;
  readonly rule: Rule;
  readonly protos: ReadonlySet<number> | null;
  readonly http: boolean;
  /** Reads some http_* buffer: inspected once per HTTP transaction of the packet. */
  readonly readsHttp: boolean;
  readonly threshold: ThresholdSpec | null;
  readonly detectionFilter: ThresholdSpec | null;
  /** Also matched across TCP segment boundaries (null: single packets only). */
  readonly stream: StreamScope | null;
  /** Addresses and ports all a literal `any`: the header admits every IPv4 packet (admitsHeader). */
  readonly anyHeader: boolean;
  /**
   * The rule's only detection is its fast pattern, anywhere in pkt_data (prefilterDecides): as a
   * candidate of a packet's own inspection it matches, and matchPacketOptions is not called.
   */
  readonly prefilterDecides: boolean;
}

const PROTO_NUMBERS: Readonly<Record<string, number[] | null>> = {
  ip: null, tcp: [6], udp: [17], icmp: [1, 58], http: [6],
};
const EVE_PROTO: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'IPv6-ICMP' };
const TCP = 6;

/** The transaction-specific part of a packet's context. */
interface Transaction {
  request: HttpRequest | null;
  statCode: Uint8Array | null;
}

/** The packet as one transaction of it sees it; built only for packets with candidate rules. */
class PacketContext implements RuleMatchContext {
  readonly ipProto: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly ttl: number;
  readonly tcpFlags: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly dsize: number;

  constructor(pkt: DecodedPacket, readonly flow: { toServer: boolean; established: boolean }, private readonly payload: Uint8Array, private readonly tx: Transaction) {
    this.ipProto = pkt.ipProto;
    this.src = pkt.src;
    this.dst = pkt.dst;
    this.srcPort = pkt.srcPort;
    this.dstPort = pkt.dstPort;
    this.ttl = pkt.ttl;
    this.tcpFlags = pkt.tcpFlags;
    this.icmpType = pkt.icmpType;
    this.icmpCode = pkt.icmpCode;
    this.dsize = pkt.payloadLength;
  }

  buffer(name: BufferName): Uint8Array | null {
    return bufferOf(name, this.payload, this.tx);
  }
}

function bufferOf(name: BufferName, payload: Uint8Array, tx: Transaction): Uint8Array | null {
  return name === 'pkt_data' ? payload : name === 'http_stat_code' ? tx.statCode : tx.request?.buffer(name) ?? null;
}

interface Prefilter {
  readonly buffer: BufferName;
  readonly matcher: WuManberMatcher;
  readonly rules: readonly CompiledRule[];
}

/**
 * What of HTTP a rule set needs parsed. A rule needs HTTP when it reads an `http_*` buffer
 * (content, pcre or urilen) or has protocol `http` (admitted only on connections where HTTP was
 * parsed). Requests are parsed when some rule reads a request buffer or is an `http` rule,
 * responses when some rule reads `http_stat_code` or is an `http` rule; a rule set with neither
 * needs no reassembly at all. `headers`: one rule per distinct header of the rules that need
 * HTTP; a connection none of them admits (addresses and ports, either orientation) is not
 * parsed. Null when there are too many distinct headers to try per new connection: every TCP
 * connection is parsed.
 */
interface HttpNeeds {
  readonly requests: boolean;
  readonly responses: boolean;
  readonly headers: readonly Rule[] | null;
}

/** Beyond this many distinct headers among the HTTP rules, deciding per connection costs more than it saves. */
const MAX_GATING_HEADERS = 32;

function httpNeedsOf(rules: readonly Rule[]): HttpNeeds {
  let requests = false;
  let responses = false;
  const headers = new Map<string, Rule>();
  for (const rule of rules) {
    let request = rule.protocol === 'http';
    let response = rule.protocol === 'http';
    const read = (buffer: BufferName) => {
      if (buffer === 'http_stat_code') response = true;
      else if (buffer !== 'pkt_data') request = true;
    };
    for (const chain of rule.chains) read(chain.buffer);
    for (const o of rule.options) if (o.kind === 'urilen') read(o.buffer ?? 'http_uri');
    if (!request && !response) continue;
    requests ||= request;
    responses ||= response;
    // Rules of one file share their variables, so equal header text means equal address and port sets.
    const open = rule.text.indexOf('(');
    const header = rule.text.slice(0, open < 0 ? rule.text.length : open).trim().replace(/^\S+\s+\S+\s+/, '');
    const key = `${rule.file}\0${header}`;
    if (!headers.has(key)) headers.set(key, rule);
  }
  return { requests, responses, headers: headers.size <= MAX_GATING_HEADERS ? [...headers.values()] : null };
}

const NO_TRANSACTION: Transaction = Object.freeze({ request: null, statCode: null }) as Transaction;
/** What inspect returns for a packet that raises nothing (most packets): one frozen array, no allocation. */
const NO_MATCHES: readonly SignatureMatch[] = Object.freeze([]);
const EMPTY = new Uint8Array(0);
const BOUNDARY_PADDING = 8;
/** The engine reads only each packet's own payload (no stream matching): no window to keep. */

export class SignatureEngine {
  readonly stats: SignatureEngineStats = { packets: 0, evaluated: 0, matched: 0, alerts: 0, thresholded: 0, httpRequests: 0, httpResponses: 0 };
  private readonly compiled: CompiledRule[];
  /** Rules without a fast pattern: candidates whenever their protocol admits the packet. */
  private readonly always: CompiledRule[];
  private readonly prefilters: Prefilter[] = [];
  private readonly flows: DetectionFlowTracker<ConnectionState>;
  private readonly thresholds = new ThresholdTracker();
  private readonly flowbits = new FlowbitsStore();
  // Per-packet scratch, reused so the common packet (no candidate rule) allocates next to nothing.
  /** This packet's transactions are txs[0, txCount). */
  private readonly txs: Transaction[] = [];
  private txCount = 0;
  /** The candidates are picked[0, pickedCount): counts, not `length = 0`, which is a runtime call. */
  private readonly picked: CompiledRule[] = [];
  private pickedCount = 0;
  /** picked[] membership: stamp[rule index] === generation. */
  private readonly stamp: Int32Array;
  private generation = 0;
  private hitRules: readonly CompiledRule[] = [];
  private hitProto = 0;
  private hitHttp = false;
  private readonly onHit = (id: number): void => {
    const c = this.hitRules[id];
    if (this.stamp[c.index] !== this.generation && admits(c, this.hitProto, this.hitHttp)) {
      this.stamp[c.index] = this.generation;
      this.picked[this.pickedCount++] = c;
    }
  };
  private readonly observation: FlowObservation<ConnectionState> = { flow: null!, toServer: false, established: false, started: false };
  private readonly segment: { tsUs: number; seq: number; flags: number; payload: Uint8Array } = { tsUs: 0, seq: 0, flags: 0, payload: EMPTY };
  private readonly tuple: FlowTuple = { hash: 0, exact: false, a: 0, b: 0, ports: 0, protoVlan: 0 };
  private readonly http: HttpNeeds;
  /** `http_stat_code` buffers by code: three digits, so at most 1,000; rules only read them. */
  private readonly statCodes = new Map<string, Uint8Array>();
  /** Rules matched across segment boundaries, their prefilter, and the stream bytes they need. */
  private readonly streamRules: CompiledRule[];
  private readonly streamPrefilter: WuManberMatcher | null;
  /**
   * When every stream-scope rule matches through one unanchored content: whether any of those
   * contents can cross a packet's stream boundary (null: inspect every boundary).
   */
  private readonly boundaryGate: StreamBoundaryGate | null;
  private readonly reassembly: TcpReassemblyOptions;
  /** Scratch for a packet's stream boundary: the tail and as many bytes after it. */
  private readonly boundary: Uint8Array;
  /** The last delivery of in-order stream bytes (null when this packet delivered none). */
  private delivery: TcpStreamDelivery | null = null;
  /** Rules that matched this packet: stamp === packet number. */
  private readonly matchedOn: Int32Array;
  private packetNo = 0;

  constructor(rules: readonly Rule[], private readonly options: SignatureEngineOptions = {}) {
    // Evaluation order, as Suricata sorts its signatures: pass rules first (a match ends the
    // packet's inspection), then rules that change flowbits (so a checker on the same packet sees
    // the bit), then the rest, each in file order.
    const rank = (r: Rule) => (r.action === 'pass' ? 0 : r.flowbits.some((f) => f.cmd === 'set' || f.cmd === 'unset' || f.cmd === 'toggle') ? 1 : 2);
    const ordered = rules.map((rule, i) => ({ rule, i })).sort((a, b) => rank(a.rule) - rank(b.rule) || a.i - b.i);
    this.compiled = ordered.map(({ rule }, index) => compileRule(rule, index));
    this.always = this.compiled.filter((c) => c.rule.fastPattern === null);
    const byBuffer = new Map<BufferName, CompiledRule[]>();
    for (const c of this.compiled) {
      const fp = c.rule.fastPattern;
      if (fp === null) continue;
      const list = byBuffer.get(fp.buffer) ?? [];
      list.push(c);
      byBuffer.set(fp.buffer, list);
    }
    for (const [buffer, list] of byBuffer) {
      const matcher = new WuManberMatcher(list.map((c) => ({ bytes: c.rule.fastPattern!.bytes, nocase: c.rule.fastPattern!.nocase })));
      this.prefilters.push({ buffer, matcher, rules: list });
    }
    this.stamp = new Int32Array(this.compiled.length);
    this.matchedOn = new Int32Array(this.compiled.length);
    this.http = httpNeedsOf(rules);
    this.streamRules = this.compiled.filter((c) => c.stream !== null);
    // Stream-scope rules are pkt_data rules; when they are all of them (a content-only rule set),
    // the packets' prefilter serves the boundaries too (same ids): one set of tables in the cache.
    const packetPrefilter = this.prefilters.find((p) => p.buffer === 'pkt_data');
    const samePatterns = packetPrefilter !== undefined && packetPrefilter.rules.length === this.streamRules.length
      && packetPrefilter.rules.every((c, i) => c === this.streamRules[i]);
    this.streamPrefilter = this.streamRules.length === 0 ? null
      : samePatterns ? packetPrefilter.matcher
        : new WuManberMatcher(this.streamRules.map((c) => ({ bytes: c.rule.fastPattern!.bytes, nocase: c.rule.fastPattern!.nocase })));
    const boundaryContents = this.streamRules.map((c) => boundaryContentOf(c.rule, BOUNDARY_GATE_MIN_LENGTH));
    this.boundaryGate = boundaryContents.length > 0 && boundaryContents.every((c) => c !== null)
      ? new StreamBoundaryGate(boundaryContents.map((c) => ({ bytes: c!.pattern })))
      : null;
    this.reassembly = { ...DEFAULT_TCP_REASSEMBLY_OPTIONS, windowBytes: streamWindowBytes(this.streamRules.map((c) => c.stream)) };
    // 8 bytes more than a boundary can fill: the prefilter reads the text as whole words and the
    // one after each, and reads the last words of an ArrayBuffer byte by byte, a slower path.
    this.boundary = new Uint8Array(2 * this.reassembly.windowBytes + BOUNDARY_PADDING);
    this.flows = new DetectionFlowTracker<ConnectionState>(
      () => ({ flowId: 0, stream: null, requests: null, responses: null, http: false, parse: 0, streamScan: 0 }),
      { ...DEFAULT_DETECTION_FLOW_TRACKER_OPTIONS, ...options.flows },
      (key) => { this.flowbits.remove(key); },
    );
  }

  get ruleCount(): number {
    return this.compiled.length;
  }

  /**
   * The alerts this packet raises, in evaluation order. `frame` is the captured frame `pkt` was
   * decoded from; `flowKey` is @ids/flow's `flowKey(pkt)`. The flow is looked up by the packet's
   * 5-tuple (addresses read from the frame), not by hashing the key string: a caller passing some
   * other key for the same 5-tuple would share one flow between its keys (IPv6 flows compare the
   * key strings too).
   */
  inspect(frame: Buffer, pkt: DecodedPacket, flowKey: string): readonly SignatureMatch[] {
    this.stats.packets++;
    const obs = this.flows.observe(flowKey, pkt, flowTupleOf(frame, pkt, this.tuple), this.observation);
    if (obs.started) this.flowbits.remove(flowKey);
    const conn = obs.flow.state;
    const payloadFrom = pkt.payloadOffset;
    const payloadTo = payloadFrom + Math.max(0, Math.min(pkt.payloadLength, frame.length - payloadFrom));
    // The prefilter scans pkt_data inside the frame; a view of it is made only for reassembly
    // and for packets with candidate rules.
    let payload: Uint8Array | null = null;

    const transactions = this.txs;
    this.txCount = 0;
    this.delivery = null;
    if (++this.packetNo === 0x7fffffff) { this.packetNo = 1; this.matchedOn.fill(0); }
    if (pkt.ipProto === TCP && !pkt.fragment) {
      // Both decided on the connection's first packet: a parsed connection can be scanned too.
      const parse = this.parses(conn, pkt);
      if (this.scansStream(conn, pkt) || parse) {
        payload = payloadOf(frame, payloadFrom, payloadTo);
        this.reassemble(conn, obs.toServer, pkt, payload);
      }
    }
    if (this.txCount === 0) transactions[this.txCount++] = NO_TRANSACTION;
    const txCount = this.txCount;

    let flow: { toServer: boolean; established: boolean } | null = null;
    let out: SignatureMatch[] | null = null;
    for (let t = 0; t < txCount; t++) {
      const tx = transactions[t];
      const count = this.candidates(pkt.ipProto, frame, payloadFrom, payloadTo, tx, t === 0, conn.http);
      if (count === 0) continue;
      flow ??= { toServer: obs.toServer, established: obs.established };
      const step = this.evaluate(count, t, frame, pkt, payload, flow, tx, flowKey, conn, obs.flow.firstTsUs, out);
      if (step === PASS) return out ?? NO_MATCHES;
      out = step;
    }
    const d = this.delivery as TcpStreamDelivery | null; // set by reassemble()
    // Most boundaries cannot be crossed by any stream rule's content (boundaryGate): those are not inspected.
    if (d !== null && d.tail.length > 0 && conn.streamScan > 0 && (this.boundaryGate === null || this.boundaryGate.mayCross(d.tail, d.data))) {
      flow ??= { toServer: obs.toServer, established: obs.established };
      const step = this.inspectStream(d, pkt, flow, flowKey, conn, obs.flow.firstTsUs, out);
      if (step === PASS) return out ?? NO_MATCHES;
      out = step;
    }
    return out ?? NO_MATCHES;
  }

  /**
   * The candidates picked[0, count) of transaction `t` against the packet: header, options, then
   * onMatch. Its own method, called only for packets with candidates (a few percent), so V8 does
   * not inline it into inspect: the paths first taken late in a run (the first UDP packet with
   * candidates, a pass rule) deoptimise this method, not the whole per-packet path (a deopt of
   * inspect cost thousands of packets in unoptimised code and a recompile of its inlined graph).
   */
  private evaluate(count: number, t: number, frame: Buffer, pkt: DecodedPacket, payload: Uint8Array | null, flow: { toServer: boolean; established: boolean },
    tx: Transaction, flowKey: string, conn: ConnectionState, firstTsUs: number, out: SignatureMatch[] | null): SignatureMatch[] | null | typeof PASS {
    // Made for the first rule that needs it: a packet whose candidates are all decided by the
    // prefilter (content-only rule sets) needs no context and no payload view.
    let ctx: PacketContext | null = null;
    const candidates = this.picked;
    for (let k = 0; k < count; k++) {
      const c = candidates[k];
      if (t > 0 && !c.readsHttp) continue;
      this.stats.evaluated++;
      if (!admitsHeader(c, pkt)) continue;
      // t === 0: the pkt_data prefilter ran on this packet's payload, so a candidate whose
      // detection is its fast pattern alone was picked because that pattern occurs there.
      if (!(c.prefilterDecides && t === 0)) {
        if (ctx === null) {
          const payloadFrom = pkt.payloadOffset;
          ctx = new PacketContext(pkt, flow, payload ?? payloadOf(frame, payloadFrom, payloadFrom + Math.max(0, Math.min(pkt.payloadLength, frame.length - payloadFrom))), tx);
        }
        if (!matchPacketOptions(c.rule, ctx)) continue;
      }
      this.matchedOn[c.index] = this.packetNo;
      const step = this.onMatch(c, pkt, flowKey, conn, firstTsUs, out);
      // Pass rules come first in evaluation order and add no match: `out` is still the caller's.
      if (step === PASS) return PASS;
      out = step;
    }
    return out;
  }

  /**
   * A rule that matched: flowbits, then the alert (or the deferred match), thresholds applied.
   * Returns the packet's matches so far, or PASS when a pass rule ends the packet's inspection.
   */
  private onMatch(c: CompiledRule, pkt: DecodedPacket, flowKey: string, conn: ConnectionState, firstTsUs: number, out: SignatureMatch[] | null): SignatureMatch[] | null | typeof PASS {
    if (!this.flowbitsAllow(c.rule, flowKey)) return out;
    this.stats.matched++;
    this.applyFlowbits(c.rule, flowKey);
    if (c.rule.action === 'pass') return PASS;
    if (c.rule.noalert) return out;
    if (conn.flowId === 0) conn.flowId = flowNumericId(flowKey, firstTsUs);
    const flowId = conn.flowId;
    const counted = c.threshold ?? c.detectionFilter;
    if (this.options.deferThresholds && counted !== null) {
      (out ??= []).push({
        rule: c.rule, tsUs: pkt.tsUs, src: pkt.src, srcPort: pkt.srcPort, dst: pkt.dst, dstPort: pkt.dstPort,
        proto: EVE_PROTO[pkt.ipProto] ?? String(pkt.ipProto), flowKey, flowId, deferredTrack: counted.track === 'by_dst' ? pkt.dst : pkt.src,
      });
      return out;
    }
    if (!this.thresholdsAllow(c, pkt)) {
      this.stats.thresholded++;
      return out;
    }
    this.stats.alerts++;
    (out ??= []).push({
      rule: c.rule, tsUs: pkt.tsUs, src: pkt.src, srcPort: pkt.srcPort, dst: pkt.dst, dstPort: pkt.dstPort,
      proto: EVE_PROTO[pkt.ipProto] ?? String(pkt.ipProto), flowKey, flowId,
    });
    return out;
  }

  /**
   * Stream-scope rules over the boundary between the bytes delivered before this packet (`tail`,
   * as many as the widest rule needs) and those it delivered: a rule alerts here when it matches
   * across the boundary, that is on `tail + data` but neither on `tail` alone (those bytes had
   * their turn) nor on `data` alone (this packet's own inspection). offset/depth count from the
   * stream's first byte, so anchored rules are tried only while `tail` starts there.
   */
  private inspectStream(d: TcpStreamDelivery, pkt: DecodedPacket, flow: { toServer: boolean; established: boolean }, flowKey: string, conn: ConnectionState, firstTsUs: number, out: SignatureMatch[] | null): SignatureMatch[] | null | typeof PASS {
    const reach = this.reassembly.windowBytes;
    const { tail, data } = d;
    const tailLength = tail.length;
    const length = tailLength + Math.min(data.length, reach);
    // Copied byte by byte, scanned in place: the chunk is at most twice the widest rule (40 bytes
    // for most rule sets), where two subarrays and two set() calls per packet cost more than the
    // copy. The chunk's own view is made only when some rule is a candidate.
    const boundary = this.boundary;
    for (let i = 0; i < tailLength; i++) boundary[i] = tail[i];
    for (let i = tailLength; i < length; i++) boundary[i] = data[i - tailLength];
    const count = this.streamCandidates(boundary, length, conn.http);
    if (count === 0) return out;
    const chunk = boundary.subarray(0, length);
    const atStreamStart = d.offset === d.tail.length;
    const whole = new PacketContext(pkt, flow, chunk, NO_TRANSACTION);
    let before: PacketContext | null = null;
    let after: PacketContext | null = null;
    for (let k = 0; k < count; k++) {
      const c = this.picked[k];
      if (this.matchedOn[c.index] === this.packetNo) continue;
      if (c.stream!.anchored && !atStreamStart) continue;
      this.stats.evaluated++;
      if (!admitsHeader(c, pkt) || !matchPacketOptions(c.rule, whole)) continue;
      before ??= new PacketContext(pkt, flow, d.tail, NO_TRANSACTION);
      after ??= new PacketContext(pkt, flow, d.data, NO_TRANSACTION);
      if (matchPacketOptions(c.rule, before) || matchPacketOptions(c.rule, after)) continue;
      this.matchedOn[c.index] = this.packetNo;
      const step = this.onMatch(c, pkt, flowKey, conn, firstTsUs, out);
      // Pass rules come first in evaluation order and add no match: `out` is still the caller's.
      if (step === PASS) return PASS;
      out = step;
    }
    return out;
  }

  /** Stream-scope rules whose fast pattern occurs in `chunk[0, length)`, in evaluation order: picked[0, count). */
  private streamCandidates(chunk: Uint8Array, length: number, http: boolean): number {
    this.pickedCount = 0;
    if (++this.generation === 0x7fffffff) { this.generation = 1; this.stamp.fill(0); }
    this.hitProto = TCP;
    this.hitHttp = http;
    this.hitRules = this.streamRules;
    this.streamPrefilter!.scan(chunk, this.onHit, 0, length);
    this.hitRules = NO_RULES;
    sortByIndex(this.picked, this.pickedCount);
    return this.pickedCount;
  }

  /**
   * Whether the connection's bytes must be reassembled for stream-scope rules: one of them admits
   * its endpoints in one orientation or the other. Decided on its first TCP packet, as `parses`.
   */
  private scansStream(conn: ConnectionState, pkt: DecodedPacket): boolean {
    if (conn.streamScan !== 0) return conn.streamScan > 0;
    let scan = false;
    if (this.streamRules.length > 0) {
      const reversed = { src: pkt.dst, dst: pkt.src, srcPort: pkt.dstPort, dstPort: pkt.srcPort, ipProto: pkt.ipProto };
      for (const c of this.streamRules) {
        if (admitsHeader(c, pkt) || headerMatches(c.rule, reversed)) { scan = true; break; }
      }
    }
    conn.streamScan = scan ? 1 : -1;
    return scan;
  }

  /** Forgets flows idle at event time `nowUs` and threshold windows that are over. */
  expire(nowUs: number): void {
    this.flows.expire(nowUs);
    this.thresholds.expire(nowUs);
  }

  get flowCounters(): Readonly<Record<string, number>> {
    return { ...this.flows.counters, open: this.flows.size };
  }

  /**
   * Whether the connection's bytes must be reassembled and parsed as HTTP: some rule needs HTTP
   * and, when the rule set's HTTP rules have few distinct headers, one of them admits the
   * connection's addresses and ports in one orientation or the other (a request completes on a
   * client packet, a response on a server one). Decided on the connection's first TCP packet;
   * its endpoints never change, so the answer would not either. Parsing nothing else is
   * invisible to rules: no rule would read the buffers, and `conn.http` only admits `http`
   * rules, which themselves need HTTP.
   */
  private parses(conn: ConnectionState, pkt: DecodedPacket): boolean {
    if (conn.parse !== 0) return conn.parse > 0;
    const { requests, responses, headers } = this.http;
    let parse = requests || responses;
    if (parse && headers !== null) {
      parse = false;
      const reversed = { src: pkt.dst, dst: pkt.src, srcPort: pkt.dstPort, dstPort: pkt.srcPort, ipProto: pkt.ipProto };
      for (const rule of headers) {
        if (headerMatches(rule, pkt) || headerMatches(rule, reversed)) { parse = true; break; }
      }
    }
    conn.parse = parse ? 1 : -1;
    return parse;
  }

  /** Feeds the segment to the connection's parsers; the transactions it completed go to txs[0, txCount). */
  private reassemble(conn: ConnectionState, toServer: boolean, pkt: DecodedPacket, payload: Uint8Array): void {
    conn.stream ??= new TcpStreamReassembler(this.reassembly);
    const seg = this.segment;
    seg.tsUs = pkt.tsUs;
    seg.seq = pkt.tcpSeq;
    seg.flags = pkt.tcpFlags;
    seg.payload = payload;
    const d = conn.stream.accept(toServer, seg as TcpSegment);
    seg.payload = EMPTY;
    if (d === null || d.data.length === 0) return;
    this.delivery = d;
    if (conn.parse <= 0) return;
    const out = this.txs;
    if (d.toServer) {
      if (!this.http.requests) return;
      conn.requests ??= new HttpRequestParser();
      for (const request of conn.requests.push(d.data)) {
        out[this.txCount++] = { request, statCode: null };
        this.stats.httpRequests++;
        conn.http = true;
      }
    } else {
      if (!this.http.responses) return;
      conn.responses ??= new HttpResponseStatusParser();
      let i = 0;
      for (const code of conn.responses.push(d.data)) {
        const statCode = this.statCodeBytes(code);
        if (i < this.txCount) out[i].statCode = statCode;
        else out[this.txCount++] = { request: null, statCode };
        i++;
        this.stats.httpResponses++;
        conn.http = true;
      }
    }
  }

  private statCodeBytes(code: string): Uint8Array {
    let b = this.statCodes.get(code);
    if (b === undefined) {
      b = Uint8Array.from(Buffer.from(code, 'latin1'));
      this.statCodes.set(code, b);
    }
    return b;
  }

  /**
   * Rules that may match: protocol admits the packet and the fast pattern occurs (or there is
   * none), in evaluation order: `picked[0, count)`, the count returned. `frame[payloadFrom,
   * payloadTo)` is pkt_data. The array is reused by the next call.
   */
  private candidates(ipProto: number, frame: Uint8Array, payloadFrom: number, payloadTo: number, tx: Transaction, firstTransaction: boolean, http: boolean): number {
    const picked = this.picked;
    this.pickedCount = 0;
    if (++this.generation === 0x7fffffff) { this.generation = 1; this.stamp.fill(0); }
    const generation = this.generation;
    const always = this.always;
    for (let k = 0; k < always.length; k++) {
      const c = always[k];
      if (admits(c, ipProto, http)) { this.stamp[c.index] = generation; picked[this.pickedCount++] = c; }
    }
    this.hitProto = ipProto;
    this.hitHttp = http;
    const prefilters = this.prefilters;
    for (let p = 0; p < prefilters.length; p++) {
      const { buffer, matcher, rules } = prefilters[p];
      if (buffer === 'pkt_data') {
        if (!firstTransaction || payloadTo <= payloadFrom) continue;
        this.hitRules = rules;
        matcher.scan(frame, this.onHit, payloadFrom, payloadTo);
        continue;
      }
      const buf = buffer === 'http_stat_code' ? tx.statCode : tx.request === null ? null : tx.request.buffer(buffer);
      if (buf === null || buf.length === 0) continue;
      this.hitRules = rules;
      matcher.scan(buf, this.onHit);
    }
    this.hitRules = NO_RULES;
    const count = this.pickedCount;
    sortByIndex(picked, count);
    return count;
  }

  private flowbitsAllow(rule: Rule, flowKey: string): boolean {
    for (const op of rule.flowbits) {
      if (op.cmd === 'isset' && !this.flowbits.isset(flowKey, op.name!)) return false;
      if (op.cmd === 'isnotset' && !this.flowbits.isnotset(flowKey, op.name!)) return false;
    }
    return true;
  }

  private applyFlowbits(rule: Rule, flowKey: string): void {
    for (const op of rule.flowbits) {
      if (op.cmd === 'set') this.flowbits.set(flowKey, op.name!);
      else if (op.cmd === 'unset') this.flowbits.unset(flowKey, op.name!);
      else if (op.cmd === 'toggle') this.flowbits.toggle(flowKey, op.name!);
    }
  }

  /** detection_filter first (does the match count as an event), then the threshold on what passed. */
  private thresholdsAllow(c: CompiledRule, pkt: DecodedPacket): boolean {
    const { gid, sid } = c.rule;
    if (c.detectionFilter !== null && !this.thresholds.shouldAlert(c.detectionFilter, sid, gid, pkt.src, pkt.dst, pkt.tsUs)) return false;
    if (c.threshold !== null && !this.thresholds.shouldAlert(c.threshold, sid, gid, pkt.src, pkt.dst, pkt.tsUs)) return false;
    return true;
  }
}

const NO_RULES: readonly CompiledRule[] = [];
/** onMatch's answer when a pass rule matched: the packet's inspection ends. */
const PASS = Symbol('pass');

/** Evaluation order is rule index order; the list is short, so an insertion sort of picked[0, count). */
function sortByIndex(picked: CompiledRule[], count: number): void {
  for (let i = 1; i < count; i++) {
    const c = picked[i];
    let j = i - 1;
    while (j >= 0 && picked[j].index > c.index) { picked[j + 1] = picked[j]; j--; }
    picked[j + 1] = c;
  }
}


/**
 * frame[from, to): the packet's payload as a view (EMPTY when there is none). A plain Uint8Array,
 * not `frame.subarray` (a Buffer: its constructor goes through Node's FastBuffer and offset
 * checks, several times the cost, on every TCP packet that is reassembled); every reader of
 * pkt_data and of the reassembled bytes takes any Uint8Array.
 */
function payloadOf(frame: Buffer, from: number, to: number): Uint8Array {
  return to > from ? new Uint8Array(frame.buffer, frame.byteOffset + from, to - from) : EMPTY;
}

function admits(c: CompiledRule, ipProto: number, http: boolean): boolean {
  return (c.protos === null || c.protos.has(ipProto)) && (!c.http || http);
}

function compileRule(rule: Rule, index: number): CompiledRule {
  const protos = PROTO_NUMBERS[rule.protocol];
  const readsHttp = rule.chains.some((ch) => ch.buffer !== 'pkt_data')
    || rule.options.some((o) => o.kind === 'urilen');
  return {
    index, rule, protos: protos === null ? null : new Set(protos), http: rule.protocol === 'http', readsHttp,
    threshold: toTrackerSpec(rule, rule.threshold), detectionFilter: toTrackerSpec(rule, rule.detectionFilter),
    stream: streamScope(rule),
    anyHeader: rule.src.text === 'any' && rule.dst.text === 'any' && rule.srcPorts.text === 'any' && rule.dstPorts.text === 'any',
    prefilterDecides: prefilterDecides(rule),
  };
}

/**
 * headerMatches, without reading the address strings when the header is `any any -> any any`:
 * an `any` address set admits any address it can parse (@ids/rules parses the packet's address
 * text on each call), and an IPv4 packet's addresses are always decoded dotted quads. IPv6 and
 * every other header go through headerMatches.
 */
function admitsHeader(c: CompiledRule, pkt: DecodedPacket): boolean {
  return (c.anyHeader && pkt.ipVersion === 4) || headerMatches(c.rule, pkt);
}

function toTrackerSpec(rule: Rule, spec: RuleThresholdSpec | null): ThresholdSpec | null {
  if (spec === null) return null;
  const out: ThresholdSpec = { kind: spec.type, track: spec.track, count: spec.count, seconds: spec.seconds };
  try {
    validateThresholdSpec(out);
  } catch (e) {
    throw new SignatureRuleInvalidError(rule, (e as Error).message);
  }
  return out;
}

/** Header addresses and ports, in both orientations for `<>`. */
export function headerMatches(rule: Rule, pkt: Pick<DecodedPacket, 'src' | 'dst' | 'srcPort' | 'dstPort' | 'ipProto'>): boolean {
  // Ports are meaningful for TCP/UDP only; Suricata ignores them for other protocols.
  const ports = pkt.ipProto === 6 || pkt.ipProto === 17;
  const forward = rule.src.matches(pkt.src) && rule.dst.matches(pkt.dst)
    && (!ports || (rule.srcPorts.matches(pkt.srcPort) && rule.dstPorts.matches(pkt.dstPort)));
  if (forward || !rule.bidirectional) return forward;
  return rule.src.matches(pkt.dst) && rule.dst.matches(pkt.src)
    && (!ports || (rule.srcPorts.matches(pkt.dstPort) && rule.dstPorts.matches(pkt.srcPort)));
}

/** The signature-hits record of a match (schemas/signature-hit.avsc). */
export function toSignatureHitRecord(m: SignatureMatch): SignatureHitRecord {
  return {
    ts_us: m.tsUs, flow_id: m.flowId, flow_key: m.flowKey,
    src_ip: m.src, src_port: m.srcPort, dest_ip: m.dst, dest_port: m.dstPort, proto: m.proto,
    gid: m.rule.gid, sid: m.rule.sid, rev: m.rule.rev, msg: m.rule.msg, classtype: m.rule.classtype,
    priority: m.rule.priority, family: m.rule.family, label: m.rule.label,
  };
}
