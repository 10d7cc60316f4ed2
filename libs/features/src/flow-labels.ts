import type { FlowRecord } from '@ids/contracts';

/** The labelled-capture contract's header (ARCHITECTURE.md), in this order. */
export const LABELS_HEADER = ['src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto', 'first_ts', 'last_ts', 'label', 'family', 'scenario'] as const;
export const LABEL_FAMILIES = ['benign', 'dos', 'scan', 'web', 'bruteforce'] as const;
export type LabelFamily = (typeof LABEL_FAMILIES)[number];

export interface FlowLabel {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  proto: 'tcp' | 'udp' | 'icmp';
  firstUs: number;
  lastUs: number;
  label: string;
  family: LabelFamily;
  scenario: string;
  /** Line in labels.csv, for messages. */
  line: number;
}

export class LabelsInvalidError extends Error {
  readonly code = 'LABELS_INVALID';
  readonly retriable = false;
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'LabelsInvalidError';
  }
}

/** Parses labels.csv; the first bad line stops parsing with an error naming the file and line. */
export function parseLabels(text: string, file: string): FlowLabel[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== LABELS_HEADER.join(',')) throw new LabelsInvalidError(file, 1, `header must be "${LABELS_HEADER.join(',')}", found "${lines[0] ?? ''}"`);
  const out: FlowLabel[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const c = raw.split(',');
    const line = i + 1;
    if (c.length !== LABELS_HEADER.length) throw new LabelsInvalidError(file, line, `expected ${LABELS_HEADER.length} fields, found ${c.length}`);
    const num = (v: string, name: string) => {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) throw new LabelsInvalidError(file, line, `${name} "${v}" is not a number`);
      return n;
    };
    const proto = c[4];
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp') throw new LabelsInvalidError(file, line, `proto "${proto}" is not tcp, udp or icmp`);
    const family = c[8] as LabelFamily;
    if (!LABEL_FAMILIES.includes(family)) throw new LabelsInvalidError(file, line, `family "${c[8]}" is not one of ${LABEL_FAMILIES.join(', ')}`);
    if (c[7] === '') throw new LabelsInvalidError(file, line, 'label is empty');
    if ((c[7] === 'benign') !== (family === 'benign')) throw new LabelsInvalidError(file, line, `label "${c[7]}" does not fit family "${family}"`);
    out.push({
      srcIp: c[0], srcPort: num(c[1], 'src_port'), dstIp: c[2], dstPort: num(c[3], 'dst_port'), proto,
      firstUs: Math.round(num(c[5], 'first_ts') * 1e6), lastUs: Math.round(num(c[6], 'last_ts') * 1e6),
      label: c[7], family, scenario: c[9], line,
    });
  }
  return out;
}

const tupleKey = (proto: string, a: string, ap: number, b: string, bp: number) => `${proto}|${a}|${ap}|${b}|${bp}`;

/**
 * Finds the label of a flow: same 5-tuple (either direction) and overlapping in time (within
 * `slackUs`); of several, the one whose first timestamp is closest.
 */
export class FlowLabeller {
  private readonly byTuple = new Map<string, FlowLabel[]>();

  constructor(labels: readonly FlowLabel[], private readonly slackUs = 1_000_000) {
    for (const l of labels) {
      const k = tupleKey(l.proto, l.srcIp, l.srcPort, l.dstIp, l.dstPort);
      const list = this.byTuple.get(k) ?? [];
      list.push(l);
      this.byTuple.set(k, list);
    }
  }

  labelOf(flow: Pick<FlowRecord, 'proto' | 'orig_h' | 'orig_p' | 'resp_h' | 'resp_p' | 'ts_us' | 'last_ts_us'>): FlowLabel | null {
    const proto = flow.proto === 'icmp6' ? 'icmp' : flow.proto;
    const candidates = [
      ...(this.byTuple.get(tupleKey(proto, flow.orig_h, flow.orig_p, flow.resp_h, flow.resp_p)) ?? []),
      ...(this.byTuple.get(tupleKey(proto, flow.resp_h, flow.resp_p, flow.orig_h, flow.orig_p)) ?? []),
    ].filter((l) => l.firstUs <= flow.last_ts_us + this.slackUs && l.lastUs >= flow.ts_us - this.slackUs);
    if (candidates.length === 0) return null;
    return candidates.reduce((best, l) => (Math.abs(l.firstUs - flow.ts_us) < Math.abs(best.firstUs - flow.ts_us) ? l : best));
  }
}
