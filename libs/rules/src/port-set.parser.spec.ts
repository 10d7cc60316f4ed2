import { parsePortSet } from './port-set.parser';
import { RuleOptionInvalidError } from './rule-parse.errors';
import { resolveVariables } from './rule-variables';

describe('parsePortSet', () => {
  const vars = resolveVariables({ WEB_PORTS: '[80,8080:8090]' });
  it.each<[string, number[], number[]]>([
    ['any', [0, 80, 65535], []],
    ['80', [80], [81]],
    ['1024:2048', [1024, 2048], [1023, 2049]],
    ['1024:', [1024, 65535], [1023]],
    [':1023', [0, 1023], [1024]],
    ['!80', [81], [80]],
    ['[80,443,8000:8080]', [80, 443, 8000, 8080], [81, 8081]],
    ['[1:1000,!80]', [79, 81], [80, 1001]],
    ['[1:1000,![80,443]]', [79], [80, 443]],
    ['$HTTP_PORTS', [80], [8080]],
    ['$SHELLCODE_PORTS', [81], [80]],
    ['$FILE_DATA_PORTS', [80, 110, 143], [25]],
    ['$WEB_PORTS', [80, 8085], [8091]],
    ['[$HTTP_PORTS,$SSH_PORTS]', [80, 22], [23]],
  ])('%s', (text, yes, no) => {
    const set = parsePortSet(text, vars);
    for (const p of yes) expect([p, set.matches(p)]).toEqual([p, true]);
    for (const p of no) expect([p, set.matches(p)]).toEqual([p, false]);
  });

  it.each<[string, string]>([
    ['65536', 'bad port range'],
    ['2000:1000', 'bad port range'],
    ['http', 'bad port'],
    ['1:2:3', 'bad port'],
    ['!any', 'matches no port'],
    ['$UNDEFINED', 'unknown variable'],
  ])('refuses %s (%s)', (text, reason) => {
    expect(() => parsePortSet(text, vars)).toThrow(RuleOptionInvalidError);
    expect(() => parsePortSet(text, vars)).toThrow(reason);
  });
});
