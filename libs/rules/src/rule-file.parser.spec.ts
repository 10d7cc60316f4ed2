import { DEFAULT_CLASSIFICATIONS } from './classification.table';
import { parseRuleFile } from './rule-file.parser';
import { mustParse, parseOptions } from './rule-test.fixtures';

const FILE = `# local rules
alert tcp $EXTERNAL_NET any -> $HTTP_SERVERS $HTTP_PORTS (msg:"WEB admin \\"probe\\"\\; v2"; \\
    flow:to_server,established; content:"/admin"; http_uri; \\
    classtype:web-application-attack; sid:1000001; rev:3; metadata: family web, label admin-probe;)

alert tcp any any -> any any (msg:"byte_test"; byte_test:1,>,2,0; sid:1000002;)
   # alert tcp any any -> any any (msg:"commented out"; sid:1000003;)
alert udp any any <> $HOME_NET 53 (msg:"dns"; content:"|01 00|"; offset:2; depth:2; sid:1000004; gid:1;)
alert tcp any any -> any any (msg:"dup"; sid:1000001;)
alert tcp any any -> any any (msg:"same sid, other gid"; sid:1000001; gid:3;)
alert tls any any -> any any (msg:"tls"; sid:1000005;)
alert tcp any any -> any any (msg:"no sid";)
alert tcp any any -> any (msg:"short header"; sid:1000006;)
alert tcp any any -> any any (msg:"x"; sid:1000007; isdataat:1,relative;)
`;

describe('parseRuleFile', () => {
  const { rules, errors } = parseRuleFile(FILE, { file: 'local.rules' });

  it('returns the understood rules with their first line', () => {
    expect(rules.map((r) => [r.sid, r.gid, r.line])).toEqual([
      [1000001, 1, 2],
      [1000004, 1, 8],
      [1000001, 3, 10],
    ]);
  });

  it('reports every other rule with file, line, sid and the keyword at fault', () => {
    expect(errors.map(({ file, line, sid, code }) => ({ file, line, sid, code }))).toEqual([
      { file: 'local.rules', line: 6, sid: 1000002, code: 'RULE_KEYWORD_UNSUPPORTED' },
      { file: 'local.rules', line: 9, sid: 1000001, code: 'RULE_SID_DUPLICATE' },
      { file: 'local.rules', line: 11, sid: 1000005, code: 'RULE_KEYWORD_UNSUPPORTED' },
      { file: 'local.rules', line: 12, sid: undefined, code: 'RULE_OPTION_INVALID' },
      { file: 'local.rules', line: 13, sid: 1000006, code: 'RULE_SYNTAX' },
      { file: 'local.rules', line: 14, sid: 1000007, code: 'RULE_KEYWORD_UNSUPPORTED' },
    ]);
    expect(errors.map((e) => e.reason)).toEqual([
      "unsupported keyword 'byte_test'",
      'duplicate sid 1000001 (gid 1), first defined on line 2',
      "unsupported protocol: 'tls'",
      'invalid sid: missing',
      'header has 6 fields, expected 7',
      "unsupported keyword 'isdataat'",
    ]);
    expect('sid' in errors[3]).toBe(false);
  });

  it('joins continuation lines and decodes the message', () => {
    const r = rules[0];
    expect(r.msg).toBe('WEB admin "probe"; v2');
    expect(r.text).toContain('v2";     flow:to_server,established; content');
    expect(r).toMatchObject({
      action: 'alert',
      protocol: 'tcp',
      rev: 3,
      classtype: 'web-application-attack',
      priority: 1,
      family: 'web',
      label: 'admin-probe',
      metadata: { family: ['web'], label: ['admin-probe'] },
      bidirectional: false,
      file: 'local.rules',
    });
    expect(r.src.matches('8.8.8.8')).toBe(true);
    expect(r.src.matches('10.0.0.1')).toBe(false);
    expect(r.dst.matches('10.0.0.1')).toBe(true);
    expect(r.dstPorts.matches(80)).toBe(true);
    expect(r.dstPorts.matches(8080)).toBe(false);
  });

  it('keeps <> as bidirectional', () => {
    const dns = rules[1];
    expect(dns.bidirectional).toBe(true);
    expect(dns.dst.matches('192.168.1.1')).toBe(true);
    expect(dns.dstPorts.matches(53)).toBe(true);
  });

  it('uses caller variables', () => {
    const text = 'alert tcp any any -> $HOME_NET $HTTP_PORTS (sid:1;)\nalert tcp any any -> $DMZ any (sid:2;)';
    const own = parseRuleFile(text, { file: 'v.rules', vars: { HOME_NET: '203.0.113.0/24', HTTP_PORTS: '[80,8080]', DMZ: '198.51.100.0/24' } });
    expect(own.errors).toEqual([]);
    expect(own.rules[0].dst.matches('203.0.113.7')).toBe(true);
    expect(own.rules[0].dst.matches('10.0.0.1')).toBe(false);
    expect(own.rules[0].dstPorts.matches(8080)).toBe(true);
    expect(own.rules[1].dst.matches('198.51.100.1')).toBe(true);
    const missing = parseRuleFile('alert tcp any any -> $DMZ any (sid:2;)', { file: 'v.rules' });
    expect(missing.errors[0]).toMatchObject({ line: 1, sid: 2, reason: 'invalid address: unknown variable $DMZ' });
  });

  it('handles CRLF, blank lines and a rule without a final semicolon', () => {
    const r = parseRuleFile('\r\n\r\nalert ip any any -> any any (msg:"a"; sid:9)\r\n', { file: 'crlf.rules' });
    expect(r.errors).toEqual([]);
    expect(r.rules[0]).toMatchObject({ sid: 9, line: 3, protocol: 'ip' });
  });
});

describe('rule header', () => {
  it.each([
    ['alert', 'alert'],
    ['drop', 'drop'],
    ['pass', 'pass'],
    ['reject', 'reject'],
  ])('action %s', (action, expected) => {
    expect(mustParse('', `${action} tcp any any -> any any`).action).toBe(expected);
  });

  it.each(['ip', 'tcp', 'udp', 'icmp', 'http'])('protocol %s', (protocol) => {
    expect(mustParse('', `alert ${protocol} any any -> any any`).protocol).toBe(protocol);
  });

  it.each([
    ['log tcp any any -> any any', "unsupported action: 'log'"],
    ['rejectboth tcp any any -> any any', "unsupported action: 'rejectboth'"],
    ['alert dns any any -> any any', "unsupported protocol: 'dns'"],
    ['alert tcp any any <- any any', "direction '<-'"],
    ['alert tcp any any => any any', "bad direction '=>'"],
    ['alert tcp any any -> any 99999', 'invalid port'],
    ['alert tcp [1.1.1.1, 2.2.2.2] any -> any any extra', 'header has 8 fields'],
  ])('refuses %s', (header, reason) => {
    expect(parseOptions('', header).error?.reason).toContain(reason);
  });

  it('accepts spaces inside lists', () => {
    const r = mustParse('', 'alert tcp [1.1.1.1, 2.2.2.2] any -> any [80, 443]');
    expect(r.src.matches('2.2.2.2')).toBe(true);
    expect(r.dstPorts.matches(443)).toBe(true);
  });
});

describe('meta keywords', () => {
  it('defaults', () => {
    expect(mustParse('')).toMatchObject({ gid: 1, rev: 0, msg: '', classtype: null, priority: 3, family: null, label: null, references: [] });
  });

  it.each(Object.entries(DEFAULT_CLASSIFICATIONS))('classtype %s gives priority %p', (name, c) => {
    expect(mustParse(`classtype:${name};`).priority).toBe(c.priority);
  });

  it('an explicit priority wins, whatever the order', () => {
    expect(mustParse('priority:4; classtype:trojan-activity;').priority).toBe(4);
    expect(mustParse('classtype:trojan-activity; priority:4;').priority).toBe(4);
  });

  it('reference and metadata', () => {
    const r = mustParse('reference:url,example.com/a,b; reference: cve,2021-44228; metadata: family dos, created_at 2026_01_01, family scan;');
    expect(r.references).toEqual([
      { system: 'url', id: 'example.com/a,b' },
      { system: 'cve', id: '2021-44228' },
    ]);
    expect(r.metadata).toEqual({ family: ['dos', 'scan'], created_at: ['2026_01_01'] });
    expect(r.family).toBe('dos');
  });

  it.each([
    ['msg:no quotes;', 'invalid msg: value must be in double quotes'],
    ['classtype:not-a-class;', "unknown classtype 'not-a-class'"],
    ['priority:0;', 'invalid priority'],
    ['rev:x;', 'invalid rev'],
    ['reference:nocomma;', 'expected system,id'],
    ['msg:"a"; msg:"b";', 'invalid msg: given twice'],
    ['sid:5;', 'invalid sid: given twice'],
    ['content:"a";; ', 'empty option'],
    ['tag:session,10,packets;', "unsupported keyword 'tag'"],
  ])('refuses %s', (options, reason) => {
    expect(parseOptions(options).error?.reason).toContain(reason);
  });
});
