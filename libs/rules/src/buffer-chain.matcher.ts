import { findPattern } from './byte-pattern.matcher';
import type { BufferChain, ContentOption, PcreOption } from './rule.types';

/** Bound on retries of earlier matches (Suricata has the same kind of inspection recursion limit). */
const BACKTRACK_BUDGET = 2048;

/** Per-call scratch: the buffer as latin1 text for pcre (made at most once), the retry budget. */
interface Inspection {
  chain: BufferChain;
  buf: Uint8Array;
  text: string | null;
  budget: number;
}

function latin1(s: Inspection): string {
  if (s.text === null) s.text = Buffer.from(s.buf.buffer, s.buf.byteOffset, s.buf.length).toString('latin1');
  return s.text;
}

/** Start of a content match: the first index >= from whose match ends at or before `to`. */
function contentFrom(c: ContentOption, prevEnd: number): number {
  // Suricata: distance moves the start; within counts from the same moved start.
  if (c.relative) return Math.max(0, prevEnd + (c.distance ?? 0));
  return c.offset ?? 0;
}

function contentTo(c: ContentOption, prevEnd: number, length: number): number {
  if (c.relative) return c.within === null ? length : Math.min(length, prevEnd + (c.distance ?? 0) + c.within);
  return c.depth === null ? length : Math.min(length, (c.offset ?? 0) + c.depth);
}

/**
 * Match end for a pcre (its start left in lastStart), or -1. A relative pcre sees the buffer from
 * `base` on, so `^` anchors there (Suricata).
 */
let lastStart = 0;
function findPcre(s: Inspection, p: PcreOption, base: number, from: number): number {
  const re = p.regex;
  const text = latin1(s);
  re.lastIndex = from - base;
  const m = re.exec(base === 0 ? text : text.slice(base));
  if (m === null) return -1;
  lastStart = base + m.index;
  return lastStart + m[0].length;
}

function step(s: Inspection, i: number, prevEnd: number): boolean {
  const items = s.chain.items;
  if (i === items.length) return true;
  const item = items[i];
  const buf = s.buf;
  if (item.kind === 'content') {
    const to = contentTo(item, prevEnd, buf.length);
    let at = findPattern(buf, item.needle, item.nocase, contentFrom(item, prevEnd), to);
    if (item.negated) return at < 0 && step(s, i + 1, prevEnd);
    const retry = s.chain.backtrack[i];
    while (at >= 0) {
      if (step(s, i + 1, at + item.needle.length)) return true;
      if (!retry || --s.budget <= 0) return false;
      at = findPattern(buf, item.needle, item.nocase, at + 1, to);
    }
    return false;
  }
  const base = item.relative ? Math.min(prevEnd, buf.length) : 0;
  let end = findPcre(s, item, base, base);
  if (item.negated) return end < 0 && step(s, i + 1, prevEnd);
  const retry = s.chain.backtrack[i] && !item.regex.sticky;
  while (end >= 0) {
    // Read before recursing: a later pcre overwrites lastStart.
    const start = lastStart;
    if (step(s, i + 1, end)) return true;
    if (!retry || --s.budget <= 0) return false;
    end = findPcre(s, item, base, start + 1);
  }
  return false;
}

/** True when the chain's contents and pcres all hold on `buf`, relative ones chained in order. */
export function matchBufferChain(chain: BufferChain, buf: Uint8Array): boolean {
  return step({ chain, buf, text: null, budget: BACKTRACK_BUDGET }, 0, 0);
}
