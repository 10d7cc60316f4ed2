import { findPattern } from './byte-pattern.matcher';
import type { BufferChain, ContentOption, PcreOption } from './rule.types';

/** Bound on retries of earlier matches (Suricata has the same kind of inspection recursion limit). */
const BACKTRACK_BUDGET = 2048;

interface Match {
  start: number;
  end: number;
}

/** The window a content may occupy: its start >= from and its end <= to. */
function contentWindow(c: ContentOption, prevEnd: number, length: number): { from: number; to: number } {
  if (c.relative) {
    // Suricata: distance moves the start; within counts from the same moved start.
    const distance = c.distance ?? 0;
    const from = Math.max(0, prevEnd + distance);
    const to = c.within === null ? length : Math.min(length, prevEnd + distance + c.within);
    return { from, to };
  }
  const from = c.offset ?? 0;
  const to = c.depth === null ? length : Math.min(length, from + c.depth);
  return { from, to };
}

function findContent(c: ContentOption, buf: Uint8Array, from: number, to: number): Match | null {
  const at = findPattern(buf, c.needle, c.nocase, from, to);
  return at < 0 ? null : { start: at, end: at + c.needle.length };
}

function findPcre(p: PcreOption, text: string, base: number, from: number): Match | null {
  // A relative pcre sees the buffer from the previous match on, so `^` anchors there (as Suricata).
  const re = p.regex;
  re.lastIndex = from - base;
  const m = re.exec(base === 0 ? text : text.slice(base));
  if (m === null) return null;
  return { start: base + m.index, end: base + m.index + m[0].length };
}

/** True when the chain's contents and pcres all hold on `buf`, relative ones chained in order. */
export function matchBufferChain(chain: BufferChain, buf: Uint8Array): boolean {
  const items = chain.items;
  let text: string | null = null;
  const latin1 = (): string => (text ??= Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('latin1'));
  // Retrying an earlier match only helps when something after it is relative.
  const laterRelative = items.map((_, i) => items.slice(i + 1).some((it) => it.relative));
  let budget = BACKTRACK_BUDGET;

  const step = (i: number, prevEnd: number): boolean => {
    if (i === items.length) return true;
    const item = items[i];
    let from: number;
    let to = buf.length;
    let base = 0;
    if (item.kind === 'content') ({ from, to } = contentWindow(item, prevEnd, buf.length));
    else {
      base = item.relative ? Math.min(prevEnd, buf.length) : 0;
      from = base;
    }
    const find = (at: number): Match | null =>
      item.kind === 'content' ? findContent(item, buf, at, to) : findPcre(item, latin1(), base, at);
    if (item.negated) return find(from) === null && step(i + 1, prevEnd);
    for (let m = find(from); m !== null; m = find(m.start + 1)) {
      if (step(i + 1, m.end)) return true;
      if (!laterRelative[i] || --budget <= 0) return false;
      if (item.kind === 'pcre' && item.regex.sticky) return false;
    }
    return false;
  };
  return step(0, 0);
}
