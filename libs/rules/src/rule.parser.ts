import { parseAddressSet } from './address-set.parser';
import { DEFAULT_CLASSIFICATIONS } from './classification.table';
import { KEYWORD_REGISTRY } from './keyword.registry';
import { parsePortSet } from './port-set.parser';
import { RuleBuilder } from './rule.builder';
import { RuleKeywordUnsupportedError, RuleOptionInvalidError, RuleSyntaxError } from './rule-parse.errors';
import { tokenizeOptions } from './rule-options.tokenizer';
import type { RuleVariables } from './rule-variables';
import type { BufferChain, BufferName, ContentOption, FastPattern, PcreOption, Rule, RuleAction, RuleProtocol } from './rule.types';

const ACTIONS: ReadonlySet<string> = new Set(['alert', 'drop', 'pass', 'reject']);
const PROTOCOLS: ReadonlySet<string> = new Set(['ip', 'tcp', 'udp', 'icmp', 'http']);
const DEFAULT_PRIORITY = 3;

/** Header fields split on whitespace outside [lists]. */
function headerFields(header: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of header) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (/\s/.test(c) && depth === 0) {
      if (current !== '') fields.push(current);
      current = '';
    } else current += c;
  }
  if (current !== '') fields.push(current);
  return fields;
}

/** One rule (continuations already joined) to a Rule, or a thrown RuleProblemError. */
export function parseRule(text: string, vars: RuleVariables, file: string, line: number): Rule {
  const open = text.indexOf('(');
  if (open < 0 || !text.trimEnd().endsWith(')')) throw new RuleSyntaxError(text, 'expected header ( options )');
  const fields = headerFields(text.slice(0, open));
  if (fields.length !== 7) throw new RuleSyntaxError(text, `header has ${fields.length} fields, expected 7`);
  const [action, protocol, src, srcPorts, direction, dst, dstPorts] = fields;
  // `log` (Snort only) and Suricata's rejectsrc/rejectdst/rejectboth are not taken.
  if (!ACTIONS.has(action)) throw new RuleKeywordUnsupportedError('action', action, `'${action}'`);
  if (!PROTOCOLS.has(protocol)) throw new RuleKeywordUnsupportedError('protocol', protocol, `'${protocol}'`);
  if (direction !== '->' && direction !== '<>') {
    throw new RuleSyntaxError(direction, direction === '<-' ? "direction '<-' (Suricata refuses it)" : `bad direction '${direction}'`);
  }
  const header = {
    action: action as RuleAction,
    protocol: protocol as RuleProtocol,
    src: parseAddressSet(src, vars),
    srcPorts: parsePortSet(srcPorts, vars),
    bidirectional: direction === '<>',
    dst: parseAddressSet(dst, vars),
    dstPorts: parsePortSet(dstPorts, vars),
  };
  const b = new RuleBuilder();
  for (const { keyword, value } of tokenizeOptions(text.slice(open + 1, text.lastIndexOf(')')))) {
    const handler = KEYWORD_REGISTRY.get(keyword);
    if (handler === undefined) throw new RuleKeywordUnsupportedError(keyword, value ?? '');
    handler(value, b);
  }
  if (b.sid === null) throw new RuleOptionInvalidError('sid', '', 'missing');
  const chains = buildChains(b.options.filter((o): o is ContentOption | PcreOption => o.kind === 'content' || o.kind === 'pcre'));
  return {
    gid: b.gid,
    sid: b.sid,
    rev: b.rev,
    msg: b.msg,
    ...header,
    classtype: b.classtype,
    priority: b.priority ?? (b.classtype === null ? DEFAULT_PRIORITY : DEFAULT_CLASSIFICATIONS[b.classtype].priority),
    metadata: b.metadata,
    family: b.metadata.family?.[0] ?? null,
    label: b.metadata.label?.[0] ?? null,
    references: b.references,
    flow: b.flow,
    threshold: b.threshold,
    detectionFilter: b.detectionFilter,
    flowbits: b.flowbits,
    noalert: b.noalert,
    fastPattern: chooseFastPattern(chains),
    options: b.options,
    chains,
    file,
    line,
    text,
  };
}

function buildChains(items: Array<ContentOption | PcreOption>): BufferChain[] {
  const byBuffer = new Map<BufferName, Array<ContentOption | PcreOption>>();
  for (const item of items) {
    const chain = byBuffer.get(item.buffer) ?? [];
    // Suricata anchors a leading relative content on the buffer start, but refuses a leading R pcre.
    if (item.kind === 'pcre' && item.relative && chain.length === 0) {
      throw new RuleOptionInvalidError('pcre', item.source, `R flag needs a preceding content or pcre in ${item.buffer}`);
    }
    chain.push(item);
    byBuffer.set(item.buffer, chain);
  }
  return [...byBuffer].map(([buffer, chainItems]) => ({
    buffer,
    items: chainItems,
    backtrack: chainItems.map((_, i) => chainItems.slice(i + 1).some((it) => it.relative)),
  }));
}

/** The content marked fast_pattern, else the longest positive content (first one on a tie). */
function chooseFastPattern(chains: BufferChain[]): FastPattern | null {
  let best: ContentOption | null = null;
  for (const chain of chains) {
    for (const item of chain.items) {
      if (item.kind !== 'content' || item.negated) continue;
      if (item.fastPattern) {
        best = item;
        break;
      }
      if (best === null || (!best.fastPattern && item.pattern.length > best.pattern.length)) best = item;
    }
    if (best?.fastPattern) break;
  }
  if (best === null) return null;
  const slice = best.fastPatternSlice;
  const bytes = slice === null ? best.pattern : best.pattern.slice(slice.offset, slice.offset + slice.length);
  return { buffer: best.buffer, bytes, nocase: best.nocase };
}
