import { ipToBytes, parseAddressSet } from './address-set.parser';
import { RuleOptionInvalidError } from './rule-parse.errors';
import { DEFAULT_RULE_VARIABLES, resolveVariables } from './rule-variables';

describe('parseAddressSet', () => {
  const vars = resolveVariables({});
  it.each<[string, string[], string[]]>([
    ['any', ['1.2.3.4', '::1'], []],
    ['10.0.0.1', ['10.0.0.1'], ['10.0.0.2']],
    ['10.0.0.0/8', ['10.255.0.1', '10.0.0.0'], ['11.0.0.1']],
    ['10.0.0.0/255.255.0.0', ['10.0.9.9'], ['10.1.0.0']],
    ['192.168.1.10-192.168.1.20', ['192.168.1.10', '192.168.1.20'], ['192.168.1.21']],
    ['!10.0.0.0/8', ['11.0.0.1'], ['10.1.1.1']],
    ['[10.0.0.0/8,192.168.0.0/16]', ['10.1.1.1', '192.168.3.3'], ['172.16.0.1']],
    ['[10.0.0.0/8,!10.1.0.0/16]', ['10.2.0.1'], ['10.1.0.1', '11.0.0.1']],
    ['[10.0.0.0/8,![10.1.0.0/16,10.2.0.0/16]]', ['10.3.0.1'], ['10.1.0.1', '10.2.0.1']],
    ['[!10.1.0.0/16]', ['11.0.0.1'], ['10.1.2.3']],
    ['2001:db8::/32', ['2001:db8::1', '2001:0db8:ffff::'], ['2001:db9::1', '10.0.0.1']],
    ['::1', ['::1', '0:0:0:0:0:0:0:1'], ['::2']],
    ['$HOME_NET', ['192.168.1.1', '10.9.9.9', '172.16.0.1'], ['8.8.8.8', '172.32.0.1']],
    ['$EXTERNAL_NET', ['8.8.8.8'], ['10.0.0.1']],
    ['$HTTP_SERVERS', ['10.0.0.1'], ['8.8.8.8']],
    ['$AIM_SERVERS', ['8.8.8.8'], ['10.0.0.1']],
    ['[$HOME_NET,!10.0.0.0/8]', ['192.168.0.1'], ['10.0.0.1']],
  ])('%s', (text, yes, no) => {
    const set = parseAddressSet(text, vars);
    for (const ip of yes) expect([ip, set.matches(ip)]).toEqual([ip, true]);
    for (const ip of no) expect([ip, set.matches(ip)]).toEqual([ip, false]);
  });

  it.each<[string, string | null]>([
    ['1.2.3.4', '00000000000000000000ffff01020304'],
    ['::ffff:1.2.3.4', '00000000000000000000ffff01020304'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['fe80::', 'fe800000000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['1::2::3', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1.2.3', null],
    ['1.2.3.256', null],
    ['g::1', null],
  ])('ipToBytes(%s)', (ip, hex) => {
    const bytes = ipToBytes(ip);
    expect(bytes === null ? null : Buffer.from(bytes).toString('hex')).toBe(hex);
  });

  it('answers alternating addresses correctly (two-entry cache)', () => {
    const set = parseAddressSet('10.0.0.0/8', vars);
    const seq = ['10.0.0.1', '8.8.8.8', '10.0.0.1', '9.9.9.9', '8.8.8.8', '10.1.1.1'];
    expect(seq.map((ip) => set.matches(ip))).toEqual([true, false, true, false, false, true]);
  });

  it('a HOME_NET override also changes EXTERNAL_NET', () => {
    const own = resolveVariables({ HOME_NET: '[203.0.113.0/24]' });
    expect(parseAddressSet('$HOME_NET', own).matches('203.0.113.9')).toBe(true);
    expect(parseAddressSet('$EXTERNAL_NET', own).matches('10.0.0.1')).toBe(true);
    expect(parseAddressSet('$EXTERNAL_NET', own).matches('203.0.113.9')).toBe(false);
    expect(DEFAULT_RULE_VARIABLES.HOME_NET).toBe('[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]');
  });

  it.each<[string, string]>([
    ['$NOPE', 'unknown variable $NOPE'],
    ['10.0.0.0/33', 'bad prefix length'],
    ['300.1.1.1', 'bad address'],
    ['[10.0.0.1', 'unterminated [list]'],
    ['[10.0.0.1,', 'empty value'],
    ['!any', 'matches no address'],
    ['10.0.0.0/255.0.255.0', 'non-contiguous netmask'],
    ['1:2:3', 'bad address'],
    ['$LOOP', 'refers to itself'],
  ])('refuses %s (%s)', (text, reason) => {
    const loopVars = resolveVariables({ LOOP: '[$LOOP]' });
    expect(() => parseAddressSet(text, loopVars)).toThrow(RuleOptionInvalidError);
    expect(() => parseAddressSet(text, loopVars)).toThrow(reason);
  });
});
