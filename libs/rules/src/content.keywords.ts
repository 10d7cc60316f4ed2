import { toLowerBytes } from './byte-pattern.matcher';
import type { KeywordHandler, KeywordHandlers } from './keyword.handler';
import { decodeContentBytes, decodeQuotedValue } from './quoted-value.decoder';
import { RuleKeywordUnsupportedError, RuleOptionInvalidError } from './rule-parse.errors';
import type { RuleBuilder } from './rule.builder';
import type { BufferName, ContentOption } from './rule.types';

function int(keyword: string, value: string | null, min: number): number {
  const v = (value ?? '').trim();
  if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > 65535) {
    throw new RuleOptionInvalidError(keyword, value ?? '', `expected an integer in ${min}..65535`);
  }
  return Number(v);
}

function bare(keyword: string, value: string | null): void {
  if (value !== null) throw new RuleOptionInvalidError(keyword, value, 'takes no value');
}

// Suricata refuses mixing the absolute (offset/depth) and relative (distance/within) forms.
function absolute(c: ContentOption, keyword: string, value: string | null): void {
  if (c.relative) throw new RuleKeywordUnsupportedError(keyword, value ?? '', `${keyword} on a content that already has distance/within`);
}

function relative(c: ContentOption, keyword: string, value: string | null): void {
  if (c.offset !== null || c.depth !== null) {
    throw new RuleKeywordUnsupportedError(keyword, value ?? '', `${keyword} on a content that already has offset/depth`);
  }
  c.relative = true;
}

/** Snort-style modifier: moves the preceding content into an HTTP buffer. */
function bufferModifier(keyword: string, buffer: BufferName): KeywordHandler {
  return (value, b) => {
    bare(keyword, value);
    const c = b.contentFor(keyword, value);
    if (c.buffer !== 'pkt_data') {
      throw new RuleKeywordUnsupportedError(keyword, '', `content is already in ${c.buffer}`);
    }
    c.buffer = buffer;
  };
}

/** Suricata sticky buffer: every following content/pcre inspects this buffer. */
function stickyBuffer(keyword: string, buffer: BufferName): KeywordHandler {
  return (value, b) => {
    bare(keyword, value);
    b.sticky = buffer;
    // A Snort-style modifier after a sticky buffer would be ambiguous; Suricata refuses it too.
    b.lastContentModifiers.add('http_buffer');
  };
}

function addContent(value: string | null, b: RuleBuilder): void {
  const { text, negated } = decodeQuotedValue('content', value ?? '', true);
  const pattern = decodeContentBytes(text, value ?? '');
  b.addContent({
    kind: 'content',
    buffer: b.sticky,
    pattern,
    needle: pattern,
    nocase: false,
    negated,
    offset: null,
    depth: null,
    distance: null,
    within: null,
    relative: false,
    fastPattern: false,
    fastPatternOnly: false,
    fastPatternSlice: null,
  });
  // Contents under a sticky buffer refuse Snort-style buffer modifiers.
  if (b.sticky !== 'pkt_data') b.lastContentModifiers.add('http_buffer');
}

const HTTP_MODIFIERS: ReadonlyArray<[string, BufferName]> = [
  ['http_uri', 'http_uri'],
  ['http_raw_uri', 'http_raw_uri'],
  ['http_method', 'http_method'],
  ['http_header', 'http_header'],
  ['http_raw_header', 'http_raw_header'],
  ['http_cookie', 'http_cookie'],
  ['http_client_body', 'http_client_body'],
  ['http_user_agent', 'http_user_agent'],
  ['http_host', 'http_host'],
  ['http_stat_code', 'http_stat_code'],
];

const STICKY_BUFFERS: ReadonlyArray<[string, BufferName]> = [
  ['pkt_data', 'pkt_data'],
  ['http.uri', 'http_uri'],
  ['http.uri.raw', 'http_raw_uri'],
  ['http.method', 'http_method'],
  ['http.header', 'http_header'],
  ['http.header.raw', 'http_raw_header'],
  ['http.cookie', 'http_cookie'],
  ['http.request_body', 'http_client_body'],
  ['http.user_agent', 'http_user_agent'],
  ['http.host', 'http_host'],
  ['http.stat_code', 'http_stat_code'],
];

export const CONTENT_KEYWORDS: KeywordHandlers = {
  content: addContent,
  nocase: (value, b) => {
    bare('nocase', value);
    const c = b.contentFor('nocase', value);
    c.nocase = true;
    c.needle = toLowerBytes(c.pattern);
  },
  rawbytes: (value, b) => {
    // Snort's telnet/ftp normalisation is not done here, so raw bytes are what we match anyway.
    bare('rawbytes', value);
    b.contentFor('rawbytes', value);
  },
  offset: (value, b) => {
    const c = b.contentFor('offset', value);
    absolute(c, 'offset', value);
    c.offset = int('offset', value, 0);
  },
  depth: (value, b) => {
    const c = b.contentFor('depth', value);
    absolute(c, 'depth', value);
    const depth = int('depth', value, 1);
    if (depth < c.pattern.length) throw new RuleOptionInvalidError('depth', value ?? '', 'smaller than the content');
    c.depth = depth;
  },
  distance: (value, b) => {
    const c = b.contentFor('distance', value);
    relative(c, 'distance', value);
    c.distance = int('distance', value, -65535);
  },
  within: (value, b) => {
    const c = b.contentFor('within', value);
    relative(c, 'within', value);
    const within = int('within', value, 1);
    if (within < c.pattern.length) throw new RuleOptionInvalidError('within', value ?? '', 'smaller than the content');
    c.within = within;
  },
  fast_pattern: (value, b) => {
    const c = b.contentFor('fast_pattern', value);
    b.once('fast_pattern', value);
    if (c.negated) throw new RuleKeywordUnsupportedError('fast_pattern', value ?? '', 'fast_pattern on a negated content');
    c.fastPattern = true;
    const v = value?.trim() ?? null;
    if (v === null) return;
    if (v === 'only') {
      c.fastPatternOnly = true;
      return;
    }
    const m = /^(\d+)\s*,\s*(\d+)$/.exec(v);
    if (!m) throw new RuleOptionInvalidError('fast_pattern', v, "expected nothing, 'only' or offset,length");
    const slice = { offset: Number(m[1]), length: Number(m[2]) };
    if (slice.length === 0 || slice.offset + slice.length > c.pattern.length) {
      throw new RuleOptionInvalidError('fast_pattern', v, 'slice outside the content');
    }
    c.fastPatternSlice = slice;
  },
  ...Object.fromEntries(HTTP_MODIFIERS.map(([k, buf]) => [k, guardSticky(k, bufferModifier(k, buf))])),
  ...Object.fromEntries(STICKY_BUFFERS.map(([k, buf]) => [k, stickyBuffer(k, buf)])),
};

function guardSticky(keyword: string, handler: KeywordHandler): KeywordHandler {
  return (value, b) => {
    if (b.lastContent !== null && b.lastContentModifiers.has('http_buffer')) {
      throw new RuleKeywordUnsupportedError(keyword, value ?? '', 'content modifier after a sticky buffer');
    }
    handler(value, b);
  };
}
