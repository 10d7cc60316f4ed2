import type { Rule } from '@ids/rules';

/**
 * Whether the pkt_data prefilter's hit is the rule's whole detection: its only option is one
 * positive content on pkt_data, anywhere (no offset, depth, distance, within), which is its fast
 * pattern whole (no fast_pattern slice), with the same nocase. The prefilter reports exactly the
 * occurrences of that pattern in the packet's payload (verified byte for byte, nocase folding
 * A-Z as findPattern does), so matchPacketOptions would answer true for every such candidate.
 */
export function prefilterDecides(rule: Rule): boolean {
  const fp = rule.fastPattern;
  if (fp === null || fp.buffer !== 'pkt_data' || rule.options.length !== 1 || rule.chains.length !== 1) return false;
  const chain = rule.chains[0];
  if (chain.buffer !== 'pkt_data' || chain.items.length !== 1 || chain.items[0] !== rule.options[0]) return false;
  const c = chain.items[0];
  if (c.kind !== 'content' || c.negated || c.relative || c.fastPatternSlice !== null) return false;
  if (c.offset !== null || c.depth !== null || c.distance !== null || c.within !== null) return false;
  if (c.nocase !== fp.nocase || c.pattern.length !== fp.bytes.length) return false;
  for (let i = 0; i < c.pattern.length; i++) if (c.pattern[i] !== fp.bytes[i]) return false;
  return true;
}
