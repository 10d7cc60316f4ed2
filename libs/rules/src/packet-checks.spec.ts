import { matchPacketOptions } from './packet-options.matcher';
import { mustParse, packet, parseOptions } from './rule-test.fixtures';
import type { RuleMatchContext } from './rule.types';

const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32, ECE = 64, CWR = 128;

describe('flags', () => {
  it.each<[string, number, boolean]>([
    ['flags:S;', SYN, true],
    ['flags:S;', SYN | ACK, false],
    ['flags:SA;', SYN | ACK, true],
    ['flags:S+;', SYN | ACK, true],
    ['flags:+S;', SYN | ACK, true],
    ['flags:S+;', ACK, false],
    ['flags:*SF;', FIN | ACK, true],
    ['flags:*SF;', ACK, false],
    ['flags:!SF;', ACK, true],
    ['flags:!SF;', SYN | FIN, false],
    // Suricata: '!' means "not all of them", so one of the two is still a match
    ['flags:!SF;', SYN, true],
    ['flags:0;', 0, true],
    ['flags:0;', ACK, false],
    ['flags:S,CE;', SYN | CWR | ECE, true],
    ['flags:S,12;', SYN | CWR, true],
    ['flags:S;', SYN | CWR, false],
    ['flags:FPU;', FIN | PSH | URG, true],
    ['flags:R;', RST, true],
    ['flags:SE;', SYN | ECE, true],
  ])('%s on 0x%s', (options, tcpFlags, expected) => {
    expect(matchPacketOptions(mustParse(options), packet('', { tcpFlags }))).toBe(expected);
  });

  it('never matches a non-TCP packet', () => {
    expect(matchPacketOptions(mustParse('flags:!S;'), packet('', { ipProto: 17, tcpFlags: 0 }))).toBe(false);
  });

  it.each([
    ['flags:X;', "unknown flag 'X'"],
    ['flags:SS;', "flag 'S' twice"],
    ['flags:+S+;', 'bad flags'],
    ['flags:+0;', "'0' takes no modifier"],
    ['flags:S,A,F;', 'expected FLAGS[,MASK]'],
    ['flags:S; flags:A;', 'invalid flags: given twice'],
  ])('refuses %s', (options, reason) => {
    expect(parseOptions(options).error?.reason).toContain(reason);
  });
});

describe('comparisons: dsize, ttl, itype, icode, ip_proto, urilen', () => {
  const icmp: Partial<RuleMatchContext> = { ipProto: 1, icmpType: 8, icmpCode: 0 };
  it.each<[string, Partial<RuleMatchContext>, boolean]>([
    ['dsize:5;', { dsize: 5 }, true],
    ['dsize:5;', { dsize: 6 }, false],
    ['dsize:<5;', { dsize: 4 }, true],
    ['dsize:<5;', { dsize: 5 }, false],
    ['dsize:>5;', { dsize: 6 }, true],
    ['dsize:>=5;', { dsize: 5 }, true],
    ['dsize:<=5;', { dsize: 6 }, false],
    ['dsize:!5;', { dsize: 6 }, true],
    ['dsize:10<>20;', { dsize: 15 }, true],
    ['dsize:10<>20;', { dsize: 10 }, false],
    ['dsize:10<>20;', { dsize: 20 }, false],
    ['dsize:10-20;', { dsize: 11 }, true],
    ['ttl:64;', { ttl: 64 }, true],
    ['ttl:<10;', { ttl: 64 }, false],
    ['itype:8;', icmp, true],
    ['itype:0;', icmp, false],
    ['itype:>3;', icmp, true],
    ['itype:8;', {}, false],
    ['icode:0;', icmp, true],
    ['icode:0;', {}, false],
    ['ip_proto:6;', {}, true],
    ['ip_proto:tcp;', {}, true],
    ['ip_proto:!tcp;', {}, false],
    ['ip_proto:udp;', { ipProto: 17 }, true],
    ['ip_proto:<10;', {}, true],
    ['sameip;', { src: '1.1.1.1', dst: '1.1.1.1' }, true],
    ['sameip;', {}, false],
  ])('%s with %j → %s', (options, ctx, expected) => {
    expect(matchPacketOptions(mustParse(options), packet('', ctx))).toBe(expected);
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['urilen:6;', { http_uri: '/admin' }, true],
    ['urilen:>100;', { http_uri: '/admin' }, false],
    ['urilen:1<>10;', { http_uri: '/admin' }, true],
    ['urilen:6;', {}, false],
    ['urilen:9,raw;', { http_uri: '/a b', http_raw_uri: '/a%20b/x' }, false],
    ['urilen:8,raw;', { http_uri: '/a b', http_raw_uri: '/a%20b/x' }, true],
    ['urilen:4,norm;', { http_uri: '/a b' }, true],
  ])('%s with %j → %s', (options, http, expected) => {
    expect(matchPacketOptions(mustParse(options), packet('', { http }))).toBe(expected);
  });

  it.each([
    ['dsize:x;', "invalid dsize: 'x' is not a number"],
    ['dsize:70000;', 'exceeds 65535'],
    ['dsize:20<>10;', 'range minimum must be below its maximum'],
    ['dsize:;', 'missing number'],
    ['ttl:300;', 'exceeds 255'],
    ['ip_proto:foo;', "unknown protocol 'foo'"],
    ['urilen:5,full;', 'expected N[,raw|norm]'],
    ['sameip:1;', 'takes no value'],
    ['dsize:1; dsize:2;', 'given twice'],
  ])('refuses %s', (options, reason) => {
    expect(parseOptions(options).error?.reason).toContain(reason);
  });
});

describe('flow', () => {
  const established = { toServer: true, established: true };
  it.each<[string, RuleMatchContext['flow'], boolean]>([
    ['flow:to_server;', established, true],
    ['flow:from_client;', established, true],
    ['flow:to_client;', established, false],
    ['flow:from_server;', { toServer: false, established: true }, true],
    ['flow:to_server,established;', established, true],
    ['flow:established,to_server;', { toServer: true, established: false }, false],
    ['flow:not_established;', { toServer: true, established: false }, true],
    ['flow:not_established;', null, true],
    ['flow:established;', null, false],
    ['flow:to_server;', null, false],
    ['flow:stateless;', null, true],
    ['flow:stateless,to_server;', established, true],
  ])('%s with %j → %s', (options, flow, expected) => {
    const rule = mustParse(options);
    expect(matchPacketOptions(rule, packet('', { flow }))).toBe(expected);
  });

  it('is exposed on the rule', () => {
    expect(mustParse('flow:to_client,established;').flow).toEqual({ toServer: false, established: true });
    expect(mustParse('content:"a";').flow).toBeNull();
  });

  it.each([
    ['flow:to_server,to_client;', 'two directions'],
    ['flow:established,not_established;', 'two states'],
    ['flow:stateless,established;', 'two states'],
    ['flow:only_stream;', "unsupported flow: option 'only_stream'"],
    ['flow:no_stream;', "option 'no_stream'"],
    ['flow:sideways;', "unknown option 'sideways'"],
  ])('refuses %s', (options, reason) => {
    expect(parseOptions(options).error?.reason).toContain(reason);
  });
});
