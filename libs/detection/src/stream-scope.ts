import type { ContentOption, Rule } from '@ids/rules';

/**
 * Which rules also match across the packets of a TCP stream, and how many bytes of it they need.
 *
 * Suricata inspects raw-content rules (pkt_data) on the reassembled stream too, so a pattern cut
 * across segments still matches, and alerts once. The engine does the same for the rules whose
 * reach it can bound: TCP rules whose detection is positive `content` on pkt_data only. A match
 * can then span at most `span` bytes, and the engine keeps that many bytes of each direction to
 * find matches across a packet boundary. Left to single packets, as Suricata leaves them or as
 * their reach is unbounded: rules with `dsize` (a packet property: that is how rules/README.md
 * keeps brute-force messages on single packets), pcre, negated content, or an HTTP buffer.
 */
export interface StreamScope {
  /** The most bytes one match can cover, capped at MAX_STREAM_SPAN. */
  readonly span: number;
  /** offset/depth place a content from the start of the buffer: on the stream, only while the
   * inspected bytes still begin at the stream's first byte. */
  readonly anchored: boolean;
}

/** Bounds per-connection memory (two directions) whatever the rules ask. */
export const MAX_STREAM_SPAN = 1024;

/** The rule's stream scope, or null when it matches single packets only. */
export function streamScope(rule: Rule): StreamScope | null {
  if (rule.protocol !== 'tcp') return null;
  if (rule.options.some((o) => o.kind === 'dsize' || o.kind === 'urilen')) return null;
  if (rule.chains.length === 0) return null;
  let span = 0;
  let anchored = false;
  for (const chain of rule.chains) {
    if (chain.buffer !== 'pkt_data') return null;
    for (let i = 0; i < chain.items.length; i++) {
      const item = chain.items[i];
      if (item.kind !== 'content' || item.negated) return null;
      if (item.offset !== null || item.depth !== null) anchored = true;
      span += reach(item, i === 0);
    }
  }
  return { span: Math.min(span, MAX_STREAM_SPAN), anchored };
}

/**
 * Bytes a content can add to a match: its own length, plus the gap `distance`/`within` allow after
 * the previous one. A content not tied to the previous one (a second non-relative content, or a
 * distance without within) can sit anywhere: unbounded, so capped by the caller.
 */
function reach(c: ContentOption, first: boolean): number {
  if (first || c.relative) {
    if (!first && c.within === null) return MAX_STREAM_SPAN;
    const gap = first ? 0 : Math.abs(c.distance ?? 0) + (c.within ?? 0);
    return c.pattern.length + gap;
  }
  return MAX_STREAM_SPAN;
}

/** The stream window an engine keeps per direction: one byte less than its widest rule. */
export function streamWindowBytes(scopes: readonly (StreamScope | null)[]): number {
  let widest = 0;
  for (const s of scopes) if (s !== null && s.span > widest) widest = s.span;
  return Math.max(0, widest - 1);
}

/**
 * The content of a stream-scope rule whose match on a buffer is "this content occurs anywhere in
 * it": one chain (pkt_data), one positive content, none of offset/depth/distance/within. Such a
 * rule matches `tail + data` but neither `tail` nor `data` alone only through an occurrence that
 * crosses the boundary, which StreamBoundaryGate can rule out. Null for any other rule (several
 * contents can match across the boundary with none crossing it; offset/depth count from the
 * chunk's start) and for contents shorter than `minLength`.
 */
export function boundaryContentOf(rule: Rule, minLength: number): ContentOption | null {
  if (streamScope(rule) === null || rule.chains.length !== 1 || rule.chains[0].items.length !== 1) return null;
  const item = rule.chains[0].items[0];
  if (item.kind !== 'content' || item.negated || item.relative) return null;
  if (item.offset !== null || item.depth !== null || item.distance !== null || item.within !== null) return null;
  return item.pattern.length >= minLength ? item : null;
}
