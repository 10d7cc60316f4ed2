import type { KeywordHandlers } from './keyword.handler';
import { translatePcre } from './pcre.translator';
import { decodeQuotedValue } from './quoted-value.decoder';
import { RuleKeywordUnsupportedError } from './rule-parse.errors';

export const PCRE_KEYWORDS: KeywordHandlers = {
  pcre: (value, b) => {
    const raw = value ?? '';
    const { text, negated } = decodeQuotedValue('pcre', raw, true, false);
    const t = translatePcre(raw, text, negated);
    if (t.buffer !== null && b.sticky !== 'pkt_data' && t.buffer !== b.sticky) {
      throw new RuleKeywordUnsupportedError('pcre', raw, `buffer flag for ${t.buffer} under sticky buffer ${b.sticky}`);
    }
    b.addPcre({ kind: 'pcre', buffer: t.buffer ?? b.sticky, source: text, regex: t.regex, negated: t.negated, relative: t.relative });
  },
};
