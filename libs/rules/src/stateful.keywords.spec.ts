import { mustParse, parseOptions } from './rule-test.fixtures';

describe('threshold and detection_filter', () => {
  it.each([
    ['threshold: type limit, track by_src, count 1, seconds 60;', { type: 'limit', track: 'by_src', count: 1, seconds: 60 }],
    ['threshold:type threshold,track by_dst,count 10,seconds 5;', { type: 'threshold', track: 'by_dst', count: 10, seconds: 5 }],
    ['threshold: seconds 1, count 3, track by_src, type both;', { type: 'both', track: 'by_src', count: 3, seconds: 1 }],
  ])('%s', (options, expected) => {
    expect(mustParse(options).threshold).toEqual(expected);
  });

  it('detection_filter', () => {
    const rule = mustParse('detection_filter: track by_dst, count 20, seconds 2;');
    expect(rule.detectionFilter).toEqual({ type: 'detection_filter', track: 'by_dst', count: 20, seconds: 2 });
    expect(rule.threshold).toBeNull();
  });

  it.each([
    ['threshold: type limit, track by_src, count 1;', "missing 'seconds'"],
    ['threshold: type sometimes, track by_src, count 1, seconds 1;', "unknown type 'sometimes'"],
    ['threshold: type limit, track by_rule, count 1, seconds 1;', 'unsupported threshold: track by_rule'],
    ['threshold: type limit, track by_both, count 1, seconds 1;', 'track by_both'],
    ['threshold: type limit, track by_src, count 0, seconds 1;', 'count must be a positive integer'],
    ['threshold: type limit, track by_src, count 1, seconds 1, count 2;', "'count' twice"],
    ['detection_filter: type limit, track by_src, count 1, seconds 1;', "unknown field 'type'"],
    ['detection_filter: track by_src count 1;', 'bad field'],
    ['threshold: type limit, track by_src, count 1, seconds 1; threshold: type limit, track by_src, count 1, seconds 1;', 'given twice'],
  ])('refuses %s', (options, reason) => {
    const { rule, error } = parseOptions(options);
    expect(rule).toBeNull();
    expect(error?.reason).toContain(reason);
  });
});

describe('flowbits', () => {
  it('keeps every operation in order', () => {
    const rule = mustParse('flowbits:isset,a.b; flowbits:isnotset,c_d; flowbits:set,x; flowbits:unset,y; flowbits:toggle,z; flowbits:noalert;');
    expect(rule.flowbits).toEqual([
      { cmd: 'isset', name: 'a.b' },
      { cmd: 'isnotset', name: 'c_d' },
      { cmd: 'set', name: 'x' },
      { cmd: 'unset', name: 'y' },
      { cmd: 'toggle', name: 'z' },
      { cmd: 'noalert', name: null },
    ]);
    expect(rule.noalert).toBe(true);
  });

  it('noalert keyword', () => {
    expect(mustParse('noalert;').noalert).toBe(true);
    expect(mustParse('content:"a";').noalert).toBe(false);
  });

  it.each([
    ['flowbits:set;', 'set needs a name'],
    ['flowbits:flip,x;', "bad command 'flip'"],
    ['flowbits:isset,a|b;', 'unsupported flowbits: name lists with | or &'],
    ['flowbits:noalert,x;', 'noalert takes no name'],
    ['flowbits:set,a b;', "bad name 'a b'"],
  ])('refuses %s', (options, reason) => {
    expect(parseOptions(options).error?.reason).toContain(reason);
  });
});
