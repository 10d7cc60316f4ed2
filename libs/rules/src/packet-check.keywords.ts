import { parseComparison } from './comparison.parser';
import type { KeywordHandler, KeywordHandlers } from './keyword.handler';
import { RuleOptionInvalidError } from './rule-parse.errors';
import type { PacketCheckKeyword } from './rule.types';

const IP_PROTOCOLS: Readonly<Record<string, number>> = {
  hopopt: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, ipv6: 41, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132,
};

function comparisonKeyword(keyword: PacketCheckKeyword, max: number): KeywordHandler {
  return (value, b) => {
    b.once(keyword, value);
    b.options.push({ kind: keyword, comparison: parseComparison(keyword, value ?? '', max), buffer: null });
  };
}

export const PACKET_CHECK_KEYWORDS: KeywordHandlers = {
  dsize: comparisonKeyword('dsize', 65535),
  ttl: comparisonKeyword('ttl', 255),
  itype: comparisonKeyword('itype', 255),
  icode: comparisonKeyword('icode', 255),
  ip_proto: (value, b) => {
    b.once('ip_proto', value);
    const v = (value ?? '').trim();
    const m = /^([!<>]?)\s*([A-Za-z][A-Za-z0-9-]*)$/.exec(v);
    let text = v;
    if (m) {
      const n = IP_PROTOCOLS[m[2].toLowerCase()];
      if (n === undefined) throw new RuleOptionInvalidError('ip_proto', v, `unknown protocol '${m[2]}'`);
      text = `${m[1]}${n}`;
    }
    b.options.push({ kind: 'ip_proto', comparison: parseComparison('ip_proto', text, 255), buffer: null });
  },
  urilen: (value, b) => {
    b.once('urilen', value);
    const [cmp, mode, ...rest] = (value ?? '').split(',').map((s) => s.trim());
    if (rest.length > 0 || (mode !== undefined && mode !== 'raw' && mode !== 'norm')) {
      throw new RuleOptionInvalidError('urilen', value ?? '', "expected N[,raw|norm]");
    }
    b.options.push({ kind: 'urilen', comparison: parseComparison('urilen', cmp, 65535), buffer: mode === 'raw' ? 'http_raw_uri' : 'http_uri' });
  },
  sameip: (value, b) => {
    if (value !== null) throw new RuleOptionInvalidError('sameip', value, 'takes no value');
    b.once('sameip', value);
    b.options.push({ kind: 'sameip' });
  },
};
