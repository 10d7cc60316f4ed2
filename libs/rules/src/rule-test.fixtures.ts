import { parseRuleFile } from './rule-file.parser';
import type { BufferName, Rule, RuleMatchContext, RuleParseError } from './rule.types';

/** Wraps options in a permissive header and parses them as the only rule of a file. */
export function parseOptions(options: string, header = 'alert tcp any any -> any any'): { rule: Rule | null; error: RuleParseError | null } {
  const { rules, errors } = parseRuleFile(`${header} (${options} sid:1000;)`, { file: 'test.rules' });
  return { rule: rules[0] ?? null, error: errors[0] ?? null };
}

export function mustParse(options: string, header?: string): Rule {
  const { rule, error } = parseOptions(options, header);
  if (rule === null) throw new Error(`expected to parse, got: ${error?.reason}`);
  return rule;
}

/** A TCP to-server packet on an established flow; override what a case needs. */
export function packet(
  payload: string | Uint8Array,
  overrides: Partial<Omit<RuleMatchContext, 'buffer'>> & { http?: Partial<Record<BufferName, string>> } = {},
): RuleMatchContext {
  const { http, ...rest } = overrides;
  const pkt = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  return {
    ipProto: 6,
    src: '10.0.0.5',
    dst: '192.168.1.80',
    srcPort: 49200,
    dstPort: 80,
    ttl: 64,
    tcpFlags: 0x18,
    icmpType: -1,
    icmpCode: -1,
    dsize: pkt.length,
    flow: { toServer: true, established: true },
    ...rest,
    buffer(name: BufferName): Uint8Array | null {
      if (name === 'pkt_data') return pkt;
      const v = http?.[name];
      return v === undefined ? null : Buffer.from(v, 'latin1');
    },
  };
}
