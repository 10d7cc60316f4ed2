import { parseRuleFile, type Rule } from '@ids/rules';
import { boundaryContentOf, MAX_STREAM_SPAN, streamScope, streamWindowBytes } from './stream-scope';

function rule(options: string, header = 'alert tcp any any -> any any'): Rule {
  const { rules, errors } = parseRuleFile(`${header} (${options} sid:1;)`, { file: 'test.rules' });
  expect(errors).toEqual([]);
  return rules[0];
}

describe('streamScope', () => {
  it.each([
    ['one content', 'content:"UNION SELECT";', { span: 12, anchored: false }],
    ['a relative chain bounded by within', 'content:"start"; content:"end"; distance:0; within:20;', { span: 5 + 3 + 20, anchored: false }],
    ['a negative distance counts as a gap', 'content:"ab"; content:"b"; distance:-1; within:1;', { span: 2 + 1 + 1 + 1, anchored: false }],
    ['depth anchors the rule at the stream start', 'content:"GET /evil"; depth:9;', { span: 9, anchored: true }],
    ['distance without within is unbounded', 'content:"a"; content:"b"; distance:2;', { span: MAX_STREAM_SPAN, anchored: false }],
    ['two unrelated contents can lie anywhere', 'content:"a"; content:"b";', { span: MAX_STREAM_SPAN, anchored: false }],
    ['nocase changes nothing', 'content:"abc"; nocase;', { span: 3, anchored: false }],
  ])('bounds %s', (_what, options, expected) => {
    expect(streamScope(rule(options))).toEqual(expected);
  });

  it.each([
    ['dsize keeps a rule on single packets', 'content:"abcd"; dsize:>0;', 'alert tcp any any -> any any'],
    ['a pcre has no bounded reach', 'content:"a"; pcre:"/a.*b/";', 'alert tcp any any -> any any'],
    ['a negated content cannot be decided on part of a stream', 'content:"a"; content:!"b"; distance:0; within:4;', 'alert tcp any any -> any any'],
    ['an HTTP buffer is already read from the stream', 'content:"/admin"; http_uri;', 'alert http any any -> any any'],
    ['UDP has no stream', 'content:"abc";', 'alert udp any any -> any any'],
    ['no content at all', 'flags:S;', 'alert tcp any any -> any any'],
  ])('leaves out a rule where %s', (_what, options, header) => {
    expect(streamScope(rule(options, header))).toBeNull();
  });

  it('keeps one byte less than the widest rule, none without stream rules', () => {
    expect(streamWindowBytes([null, { span: 12, anchored: false }, { span: 28, anchored: true }])).toBe(27);
    expect(streamWindowBytes([null, null])).toBe(0);
    expect(streamWindowBytes([])).toBe(0);
  });
});

describe('boundaryContentOf', () => {
  it.each([
    ['one content', 'content:"UNION SELECT";', 'UNION SELECT'],
    ['one nocase content', 'content:"Admin"; nocase;', 'Admin'],
    ['one content with flow options', 'flow:established,to_server; content:"abcd";', 'abcd'],
  ])('gives the content of %s', (_what, options, expected) => {
    expect(Buffer.from(boundaryContentOf(rule(options), 4)!.pattern).toString('latin1')).toBe(expected);
  });

  it.each([
    ['two contents (they can match across a boundary with neither crossing it)', 'content:"start"; content:"end"; distance:0; within:20;'],
    ['an anchored content (offset counts from the chunk start)', 'content:"GET /evil"; offset:2;'],
    ['a depth', 'content:"GET /evil"; depth:9;'],
    ['a first content with distance', 'content:"GET /evil"; distance:3;'],
    ['a content shorter than the minimum', 'content:"abc";'],
    ['a rule with no stream scope', 'content:"abcd"; dsize:>0;'],
  ])('gives null for %s', (_what, options) => {
    expect(boundaryContentOf(rule(options), 4)).toBeNull();
  });
});
