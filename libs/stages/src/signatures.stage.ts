import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TOPICS, type PacketRecord, type SignatureHitRecord } from '@ids/contracts';
import { SignatureEngine, toSignatureHitRecord } from '@ids/detection';
import { flowKey } from '@ids/flow';
import { DECODE_FAILURE_KIND, decodePacket } from '@ids/packet';
import { parseRuleFile, type Rule, type RuleParseError } from '@ids/rules';
import { TopologyBuilder, type Processor, type ProcessorContext, type StreamRecord, type Topology } from '@ids/topology';
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
 * Where a processor gets its engine from when the rules can change while it runs (RuleSetHolder):
 * `version` changes when a new rule set is in place, `createEngine` builds an engine over it.
 */
export interface SignatureEngineSource {
  readonly version: number;
  createEngine(): SignatureEngine;
}

/** A fixed rule set (`() => new SignatureEngine(rules)`) or one that reloads. */
export type SignatureEngines = (() => SignatureEngine) | SignatureEngineSource;

/**
 * Decodes each packet and runs the signature engine on it; every alert goes out as a
 * SignatureHitRecord keyed by flow key, at the packet's time.
 *
 * The engine's state (connections, reassembly, HTTP parsers, thresholds, flowbits) is in memory,
 * not in a changelog-backed store: a restarted task starts with empty state, so streams in
 * progress lose their reassembly context and threshold/detection_filter windows start again.
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

  constructor(private readonly engines: SignatureEngines) {}

  init(context: ProcessorContext): void {
    this.context = context;
    this.engine = this.newEngine();
  }

  process(record: StreamRecord<string, PacketRecord>): void {
    if (typeof this.engines !== 'function' && this.engines.version !== this.version) {
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
    for (const m of this.engine.inspect(p.data, pkt, key)) {
      this.context.count(`alert:${m.rule.gid}:${m.rule.sid}`);
      this.context.forward<string, SignatureHitRecord>({ key, value: toSignatureHitRecord(m), timestampUs: pkt.tsUs });
    }
  }

  onWatermark(watermarkUs: number): void {
    this.engine.expire(watermarkUs);
  }

  private newEngine(): SignatureEngine {
    if (typeof this.engines === 'function') return this.engines();
    // version first: a reload between the two reads is then seen on the next packet
    this.version = this.engines.version;
    return this.engines.createEngine();
  }
}

/**
 * `ids.packets.v1` → detect → `ids.signature-hits.v1`. Each task (partition) builds its own
 * engine: `engines()` once, or, from a SignatureEngineSource (RuleSetHolder), again whenever its
 * version changes (rule hot reload, see SignatureDetectProcessor for what a swap loses).
 */
export function signaturesTopology(engines: SignatureEngines): Topology {
  return new TopologyBuilder(APP_IDS.signatures)
    .addSource('packets-source', TOPICS.packets.name)
    .addProcessor('detect', () => new SignatureDetectProcessor(engines), 'packets-source')
    .addSink('signature-hits-sink', TOPICS.signatureHits.name, TOPICS.signatureHits.partitions, 'detect')
    .build();
}
