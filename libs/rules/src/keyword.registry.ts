import { CONTENT_KEYWORDS } from './content.keywords';
import { FLAGS_KEYWORDS } from './flags.keyword';
import { FLOW_KEYWORDS } from './flow.keyword';
import type { KeywordHandler } from './keyword.handler';
import { META_KEYWORDS } from './meta.keywords';
import { PACKET_CHECK_KEYWORDS } from './packet-check.keywords';
import { PCRE_KEYWORDS } from './pcre.keyword';
import { STATEFUL_KEYWORDS } from './stateful.keywords';

/** Every supported keyword; a keyword not in here makes its rule an error. */
export const KEYWORD_REGISTRY: ReadonlyMap<string, KeywordHandler> = new Map(
  Object.entries({
    ...META_KEYWORDS,
    ...CONTENT_KEYWORDS,
    ...PCRE_KEYWORDS,
    ...FLOW_KEYWORDS,
    ...FLAGS_KEYWORDS,
    ...PACKET_CHECK_KEYWORDS,
    ...STATEFUL_KEYWORDS,
  }),
);

export function supportedKeywords(): string[] {
  return [...KEYWORD_REGISTRY.keys()].sort();
}
