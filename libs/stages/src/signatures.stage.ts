import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TOPICS, type PacketRecord, type SignatureHitRecord } from '@ids/contracts';
import { SignatureEngine, ThresholdEntryInvalidError, ThresholdGate, toSignatureHitRecord } from '@ids/detection';
import { flowKey } from '@ids/flow';
import { DECODE_FAILURE_KIND, decodePacket } from '@ids/packet';
import { parseRuleFile, type Rule, type RuleParseError } from '@ids/rules';
import { TopologyBuilder, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord, type Topology } from '@ids/topology';
import { APP_IDS } from './stage-names';

/** A rules path (file or directory) that cannot be read: nothing to detect with. */
export class SignatureRulesUnreadableError extends Error {
  readonly code = 'SIGNATURE_RULES_UNREADABLE';
  readonly retriable = false;
  constructor(readonly path: string, reason: string) {
    super(`cannot read rules ${path}: ${reason}`);
    this.name = 'SignatureRulesUnreadableError';
  }
}

export interface LoadedSignatureRules {
  rules: Rule[];
  /** Rules that were skipped, each with file, line and reason. */
  errors: RuleParseError[];
  files: string[];
}

export interface LoadSignatureRulesOptions {
  /** Rule variables (HOME_NET, EXTERNAL_NET, ...) over Suricata's defaults. */
  vars?: Record<string, string>;
}

/**
 * Reads a rule file, or every `*.rules` file of a directory in name order. A rule that does not
 * parse is skipped and reported; a sid repeated across files is reported and the later one skipped.
 * Throws SignatureRulesUnreadableError when the path (or a file) cannot be read.
 */
export function loadSignatureRules(path: string, options: LoadSignatureRulesOptions = {}): LoadedSignatureRules {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => f.endsWith('.rules')).sort().map((f) => join(path, f))
      : [path];
  } catch (e) {
    throw new SignatureRulesUnreadableError(path, (e as Error).message);
  }
  const rules: Rule[] = [];
  const errors: RuleParseError[] = [];
  const seen = new Map<string, Rule>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new SignatureRulesUnreadableError(file, (e as Error).message);
    }
    const parsed = parseRuleFile(text, { file, vars: options.vars });
    errors.push(...parsed.errors);
    for (const rule of parsed.rules) {
      const id = `${rule.gid}:${rule.sid}`;
      const first = seen.get(id);
      if (first !== undefined) {
        errors.push({ file, line: rule.line, sid: rule.sid, code: 'RULE_SID_DUPLICATE', reason: `duplicate sid ${id}, first at ${basename(first.file)}:${first.line}` });
        continue;
      }
      seen.set(id, rule);
      rules.push(rule);
    }
  }
  return { rules, errors, files };
}

/** `file:line: reason`, how rule load errors are printed. */
export function formatRuleError(e: RuleParseError): string {
  return `${e.file}:${e.line}: ${e.sid === undefined ? '' : `sid ${e.sid}: `}${e.reason}`;
}

/**
 * The rules the stage runs: fixed (`fixedRuleSource(rules)`) or reloading (RuleSetHolder), where
 * `version` changes when a new rule set is in place and processors rebuild what they built.
 */
export interface SignatureRuleSource {
  readonly version: number;
  readonly rules: readonly Rule[];
}

export function fixedRuleSource(rules: readonly Rule[]): SignatureRuleSource {
  return { version: 0, rules };
}

/**
 * Decodes each packet and runs the signature engine on it; every alert goes out as a
 * SignatureHitRecord keyed by flow key, at the packet's time.
 *
 * The engine's state (connections, reassembly, HTTP parsers, flowbits) is in memory, not in a
 * changelog-backed store (it changes with every packet): with `replayHorizonUs` a restarted task
 * rebuilds it by reading again the packets of that much event time before its committed offset
 * (Topology.replay), so only streams older than that are picked up mid-way. Threshold windows are
 * counted in the thresholds task, in a changelog.
 *
 * With a SignatureEngineSource, a new rule set is picked up between two packets: `process` looks
 * at the source's version first and, when it changed, builds a new engine and drops the old one.
 * No packet is skipped, but the swap costs what a restart costs: the new engine starts with no
 * connections (SignatureEngine takes flow tracker options, not a tracker, so they cannot be carried
 * over), so TCP connections in progress are mid-stream pickups for it (never `established`, no
 * reassembly or HTTP parsing until a new SYN), and every threshold/detection_filter window and
 * flowbit starts again, whether or not the rule's sid changed.
 */
export class SignatureDetectProcessor implements Processor<string, PacketRecord> {
  private context!: ProcessorContext;
  private engine!: SignatureEngine;
  private version = 0;

  constructor(private readonly source: SignatureRuleSource) {}

  init(context: ProcessorContext): void {
    this.context = context;
    this.engine = this.newEngine();
  }

  process(record: StreamRecord<string, PacketRecord>): void {
    if (this.source.version !== this.version) {
      this.engine = this.newEngine();
      this.context.count('rules-swapped');
    }
    const p = record.value;
    if (!p) return;
    const pkt = decodePacket(p.data, p.link_type, p.ts_us, p.original_length);
    if (!pkt.ok) {
      this.context.count(`decode-${DECODE_FAILURE_KIND[pkt.reason]}:${pkt.reason}`);
      return;
    }
    const key = record.key ?? flowKey(pkt);
    // Every match goes through the thresholds sub-topology (threshold rules' keyed by the address
    // they count by, the others by flow), so ids.signature-hits.v1 has one writer: its readers
    // then know whose event-time markers to wait for.
    for (const m of this.engine.inspect(p.data, pkt, key)) {
      this.context.count(`match:${m.rule.gid}:${m.rule.sid}`);
      this.context.forward<string, SignatureHitRecord>({ key: m.deferredTrack ?? key, value: toSignatureHitRecord(m), timestampUs: pkt.tsUs });
    }
  }

  onWatermark(watermarkUs: number): void {
    this.engine.expire(watermarkUs);
  }

  private newEngine(): SignatureEngine {
    // version first: a reload between the two reads is then seen on the next packet
    this.version = this.source.version;
    return new SignatureEngine(this.source.rules, { deferThresholds: true });
  }
}

const HITS_SINK = 'signature-hits-sink';
const BY_TRACK_SINK = 'by-track-sink';
export const THRESHOLD_PENDING_STORE = 'pending';
/** The threshold / detection_filter counting windows, so a restarted task counts on. */
export const THRESHOLD_WINDOWS_STORE = 'threshold-windows';
export const SIGNATURES_THRESHOLDS_APP_ID = `${APP_IDS.signatures}-thresholds`;

/**
 * Counts matches of threshold / detection_filter rules where every match of one address arrives:
 * the detect tasks see one partition of the packets each, so they re-key those matches by the
 * address the rule counts by. Matches wait until the watermark passes them and are counted in
 * (time, flow, rule) order, so the alerts do not depend on how partitions interleave. The pending
 * matches and the counting windows are changelogged, written with the batch that changed them, so
 * a restarted task alerts exactly as one that never stopped.
 */
export class ThresholdProcessor implements Processor<string, SignatureHitRecord> {
  private context!: ProcessorContext;
  private pending!: KeyValueStore<SignatureHitRecord>;
  private windows!: KeyValueStore<unknown>;
  private gate: ThresholdGate | null = null;
  private version = 0;
  private watermarkUs = Number.NEGATIVE_INFINITY;

  constructor(private readonly source: SignatureRuleSource) {}

  init(context: ProcessorContext): void {
    this.context = context;
    this.pending = context.getStateStore(THRESHOLD_PENDING_STORE);
    this.windows = context.getStateStore(THRESHOLD_WINDOWS_STORE);
  }

  process(record: StreamRecord<string, SignatureHitRecord>): void {
    this.currentGate();
    const hit = record.value;
    if (!hit) return;
    if (hit.ts_us < this.watermarkUs) {
      this.context.count('late-match');
      this.apply(hit);
      return;
    }
    this.pending.put(`${String(hit.ts_us).padStart(17, '0')}|${hit.flow_key}|${hit.gid}:${hit.sid}|${hit.src_port}`, hit);
  }

  onWatermark(watermarkUs: number): void {
    this.watermarkUs = watermarkUs;
    this.release((h) => h.ts_us < watermarkUs);
    this.currentGate().expire(watermarkUs);
  }

  onEndOfInput(untilUs: number): void {
    this.release((h) => h.ts_us <= untilUs);
  }

  private release(due: (h: SignatureHitRecord) => boolean): void {
    const ready = [...this.pending.entries()].filter(([, h]) => due(h)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, hit] of ready) {
      this.pending.delete(k);
      this.apply(hit);
    }
  }

  /** The windows this batch changed go to the changelog with the batch's output and offsets. */
  flush(): void {
    if (this.gate === null) return;
    for (const [key, entry] of this.gate.takeChanges()) {
      if (entry === null) this.windows.delete(key);
      else this.windows.put(key, entry);
    }
  }

  /**
   * The gate of the rule set serving now. The first call builds it from the windows restored from
   * the changelog (stores are restored after init, before the first record); a new rule set starts
   * its counts again (a rule's spec may have changed), and its windows store with it.
   */
  private currentGate(): ThresholdGate {
    if (this.gate !== null && this.source.version === this.version) return this.gate;
    const restoring = this.gate === null;
    this.version = this.source.version;
    const gate = new ThresholdGate(this.source.rules);
    for (const [key, entry] of [...this.windows.entries()]) {
      if (!restoring) {
        this.windows.delete(key);
        continue;
      }
      try {
        gate.restore(key, entry);
      } catch (error) {
        if (!(error instanceof ThresholdEntryInvalidError)) throw error;
        // a window another version wrote: that address counts afresh (can only add alerts)
        this.windows.delete(key);
        this.context.count('threshold-window-invalid');
      }
    }
    this.gate = gate;
    return gate;
  }

  private apply(hit: SignatureHitRecord): void {
    if (!this.currentGate().allow(hit.gid, hit.sid, hit.src_ip, hit.dest_ip, hit.ts_us)) {
      this.context.count('thresholded');
      return;
    }
    this.context.count(`alert:${hit.gid}:${hit.sid}`);
    this.context.forward({ key: hit.flow_key, value: hit, timestampUs: hit.ts_us });
  }
}

/**
 * `ids.packets.v1` → detect → `ids-signatures-by-track-repartition` → thresholds →
 * `ids.signature-hits.v1`: threshold rules' matches keyed by the address they count by, the others
 * by flow; every match waits for the watermark there, so the hits come out in event-time order. Each detect task
 * (one per partition) builds its engine, and each threshold task its gate, from `source` — again
 * whenever its version changes (rule hot reload; see SignatureDetectProcessor for what a swap loses).
 */
export function signaturesTopology(source: SignatureRuleSource, options: { replayHorizonUs?: number } = {}): Topology[] {
  return [
    new TopologyBuilder(APP_IDS.signatures)
      .addSource('packets-source', TOPICS.packets.name)
      .addProcessor('detect', () => new SignatureDetectProcessor(source), 'packets-source')
      .addSink(BY_TRACK_SINK, TOPICS.signaturesByTrack.name, TOPICS.signaturesByTrack.partitions, 'detect')
      .rebuildByReplay(options.replayHorizonUs ?? 0)
      .build(),
    new TopologyBuilder(SIGNATURES_THRESHOLDS_APP_ID)
      .addSource('by-track-source', TOPICS.signaturesByTrack.name)
      .addProcessor('thresholds', () => new ThresholdProcessor(source), 'by-track-source')
      .addStateStore({ name: THRESHOLD_PENDING_STORE, changelog: true }, 'thresholds')
      .addStateStore({ name: THRESHOLD_WINDOWS_STORE, changelog: true }, 'thresholds')
      .addSink(HITS_SINK, TOPICS.signatureHits.name, TOPICS.signatureHits.partitions, 'thresholds')
      .build(),
  ];
}
