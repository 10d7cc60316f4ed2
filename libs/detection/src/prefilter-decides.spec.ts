import { matchPacketOptions, parseRuleFile, type Rule, type RuleMatchContext } from '@ids/rules';
import { prefilterDecides } from './prefilter-decides';
import { WuManberMatcher } from './wu-manber.matcher';

function rule(options: string, header = 'alert tcp any any -> any any'): Rule {
  const { rules, errors } = parseRuleFile(`${header} (${options} sid:1;)`, { file: 'test.rules' });
  expect(errors).toEqual([]);
  return rules[0];
}

describe('prefilterDecides', () => {
  it.each([
    { what: 'one content', options: 'content:"GET /evil.php";', header: 'alert tcp any any -> any any', expected: true },
    { what: 'one content, nocase', options: 'content:"User-Agent: x"; nocase;', header: 'alert tcp any any -> any any', expected: true },
    { what: 'one content with hex bytes', options: 'content:"|00 01 02|abc";', header: 'alert tcp any any -> any any', expected: true },
    { what: 'UDP and any other header: the engine checks the header', options: 'content:"abcdef";', header: 'alert udp 10.0.0.0/8 any -> any 53', expected: true },
    { what: 'two contents', options: 'content:"abc"; content:"defgh";', header: 'alert tcp any any -> any any', expected: false },
    { what: 'a content with depth', options: 'content:"GET /"; depth:5;', header: 'alert tcp any any -> any any', expected: false },
    { what: 'a content with offset', options: 'content:"abcdef"; offset:2;', header: 'alert tcp any any -> any any', expected: false },
    { what: 'a negated content beside the fast pattern', options: 'content:"abcdef"; content:!"xyz";', header: 'alert tcp any any -> any any', expected: false },
    { what: 'a fast_pattern slice', options: 'content:"abcdefghij"; fast_pattern:2,4;', header: 'alert tcp any any -> any any', expected: false },
    { what: 'a pcre', options: 'content:"abc"; pcre:"/abc\\d/";', header: 'alert tcp any any -> any any', expected: false },
    { what: 'dsize', options: 'content:"abcdef"; dsize:>10;', header: 'alert tcp any any -> any any', expected: false },
    { what: 'flow', options: 'content:"abcdef"; flow:established,to_server;', header: 'alert tcp any any -> any any', expected: false },
    { what: 'flags', options: 'content:"abcdef"; flags:PA;', header: 'alert tcp any any -> any any', expected: false },
    { what: 'an HTTP buffer', options: 'content:"/admin"; http_uri;', header: 'alert http any any -> any any', expected: false },
    { what: 'no content', options: 'flags:S;', header: 'alert tcp any any -> any any', expected: false },
  ])('$what: $options', ({ options, header, expected }) => {
    expect(prefilterDecides(rule(options, header))).toBe(expected);
  });

  // What the flag stands for: wherever the prefilter reports a rule's fast pattern in a payload,
  // matchPacketOptions matches the rule on that payload.
  it('a rule it decides matches every payload the prefilter picks it for', () => {
    const rules = ['content:"GET /evil";', 'content:"hOsT: x"; nocase;', 'content:"|00 ff|abc|0d 0a|";', 'content:"Mozilla/5.0 (";']
      .map((o) => rule(o));
    expect(rules.every(prefilterDecides)).toBe(true);
    const matcher = new WuManberMatcher(rules.map((r) => ({ bytes: r.fastPattern!.bytes, nocase: r.fastPattern!.nocase })));
    const payloads = ['xxGET /evil.php', 'HOST: X.example', 'host: x', 'Host:x', '\x00\xffabc\r\n', '\x00\xffABC\r\n', 'Mozilla/5.0 (X11)', 'mozilla/5.0 (']
      .map((s) => Uint8Array.from(Buffer.from(s, 'latin1')));
    let picked = 0;
    for (const payload of payloads) {
      const ctx = { buffer: (name: string) => (name === 'pkt_data' ? payload : null), flow: null } as unknown as RuleMatchContext;
      for (const id of matcher.matchedIds(payload)) {
        picked++;
        expect({ payload: Buffer.from(payload).toString('latin1'), id, matches: matchPacketOptions(rules[id], ctx) }).toEqual({ payload: Buffer.from(payload).toString('latin1'), id, matches: true });
      }
    }
    expect(picked).toBe(5);
  });
});
