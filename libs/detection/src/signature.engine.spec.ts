import { flowKey, flowNumericId } from '@ids/flow';
import { decodePacket } from '@ids/packet';
import { parseRuleFile } from '@ids/rules';
import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../../../test/fixtures/frame.builder';
import { TcpConversation, type TimedFrame } from '../../../test/fixtures/tcp-conversation.builder';
import { SignatureEngine, SignatureRuleInvalidError, headerMatches, toSignatureHitRecord, type SignatureMatch } from './signature.engine';

const CLIENT = { mac: '02:00:00:00:00:01', ip: '203.0.113.7' };
const SERVER = { mac: '02:00:00:00:00:02', ip: '10.0.5.10' };
const T0 = Date.UTC(2026, 2, 2, 9) * 1000;

function engineOf(text: string): SignatureEngine {
  const { rules, errors } = parseRuleFile(text, { file: 'test.rules' });
  expect(errors).toEqual([]);
  return new SignatureEngine(rules);
}

/** Alerts per frame, as `sid` lists, plus the matches themselves. */
function run(engine: SignatureEngine, frames: readonly TimedFrame[]): { perFrame: number[][]; matches: SignatureMatch[] } {
  const matches: SignatureMatch[] = [];
  const perFrame = frames.map((f) => {
    const pkt = decodePacket(f.data, 1, f.tsUs, f.data.length);
    if (!pkt.ok) throw new Error('fixture frame does not decode');
    const m = engine.inspect(f.data, pkt, flowKey(pkt));
    matches.push(...m);
    return m.map((x) => x.rule.sid);
  });
  return { perFrame, matches };
}

function udp(tsUs: number, src: string, srcPort: number, dst: string, dstPort: number, payload: string): TimedFrame {
  const ip = { src, dst };
  return { tsUs, data: ethernetFrame({ src: CLIENT.mac, dst: SERVER.mac }, ETHERTYPE_IPV4, udpPacket(ip, { srcPort, dstPort }, Buffer.from(payload, 'latin1'))) };
}

function conversation(): TcpConversation {
  return new TcpConversation({ client: CLIENT, clientPort: 40000, server: SERVER, serverPort: 80, startUs: T0, clientIsn: 1000, serverIsn: 5000 });
}

const count = (perFrame: number[][]) => perFrame.flat().length;

describe('SignatureEngine', () => {
  it.each([
    ['content on the packet payload', 'alert udp any any -> any any (msg:"m"; content:"evil"; sid:1;)', 'an evil payload', 1],
    ['content absent', 'alert udp any any -> any any (msg:"m"; content:"evil"; sid:1;)', 'a kind payload', 0],
    ['nocase fast pattern', 'alert udp any any -> any any (msg:"m"; content:"EVIL"; nocase; sid:1;)', 'so eViL', 1],
    ['header direction matches', 'alert udp 203.0.113.7 any -> 10.0.5.10 53 (msg:"m"; content:"q"; sid:1;)', 'q', 1],
    ['header direction reversed does not', 'alert udp 10.0.5.10 53 -> 203.0.113.7 any (msg:"m"; content:"q"; sid:1;)', 'q', 0],
    ['<> admits the reversed direction', 'alert udp 10.0.5.10 53 <> 203.0.113.7 any (msg:"m"; content:"q"; sid:1;)', 'q', 1],
    ['protocol tcp never sees udp', 'alert tcp any any -> any any (msg:"m"; content:"q"; sid:1;)', 'q', 0],
    ['protocol ip sees udp', 'alert ip any any -> any any (msg:"m"; content:"q"; sid:1;)', 'q', 1],
    ['rule without content is evaluated on every packet', 'alert udp any any -> any 53 (msg:"m"; dsize:>3; sid:1;)', 'long enough', 1],
    ['udp first packet is not established', 'alert udp any any -> any any (msg:"m"; flow:established; sid:1;)', 'x', 0],
  ])('%s', (_name, rules, payload, expected) => {
    const { perFrame } = run(engineOf(rules), [udp(T0, CLIENT.ip, 40000, SERVER.ip, 53, payload)]);
    expect(count(perFrame)).toBe(expected);
  });

  it('packets that raise nothing share one frozen empty result; each alerting packet gets its own', () => {
    const engine = engineOf('alert udp any any -> any any (msg:"m"; content:"evil"; sid:1;)');
    const inspect = (f: TimedFrame) => {
      const pkt = decodePacket(f.data, 1, f.tsUs, f.data.length);
      if (!pkt.ok) throw new Error('fixture frame does not decode');
      return engine.inspect(f.data, pkt, flowKey(pkt));
    };
    const quiet = [inspect(udp(T0, CLIENT.ip, 40000, SERVER.ip, 53, 'kind')), inspect(udp(T0 + 1, CLIENT.ip, 40000, SERVER.ip, 53, 'kind'))];
    const loud = [inspect(udp(T0 + 2, CLIENT.ip, 40000, SERVER.ip, 53, 'evil')), inspect(udp(T0 + 3, CLIENT.ip, 40000, SERVER.ip, 53, 'evil'))];
    expect(quiet[0]).toHaveLength(0);
    expect(quiet[1]).toBe(quiet[0]);
    expect(Object.isFrozen(quiet[0])).toBe(true);
    expect(loud.map((m) => m.map((x) => x.rule.sid))).toEqual([[1], [1]]);
    expect(loud[1]).not.toBe(loud[0]);
  });

  it('udp is established from the first reply on, and the reply is to_client', () => {
    const engine = engineOf([
      'alert udp any any -> any any (msg:"est"; flow:established,to_client; content:"r"; sid:1;)',
      'alert udp any any -> any any (msg:"srv"; flow:to_server; content:"r"; sid:2;)',
    ].join('\n'));
    const { perFrame } = run(engine, [udp(T0, CLIENT.ip, 40000, SERVER.ip, 53, 'r'), udp(T0 + 1, SERVER.ip, 53, CLIENT.ip, 40000, 'r')]);
    expect(perFrame).toEqual([[2], [1]]);
  });

  it.each([
    ['to_server data after the handshake', 'flow:established,to_server;', 'client', 1],
    ['to_client does not match client data', 'flow:established,to_client;', 'client', 0],
    ['to_client matches server data', 'flow:established,to_client;', 'server', 1],
    ['not_established fails after the handshake', 'flow:not_established;', 'client', 0],
  ] as const)('tcp flow: %s', (_name, flow, side, expected) => {
    const engine = engineOf(`alert tcp any any -> any any (msg:"m"; ${flow} content:"PING"; sid:1;)`);
    const c = conversation().handshake().sendAcked(side, Buffer.from('PING')).close('client');
    expect(count(run(engine, c.frames).perFrame)).toBe(expected);
  });

  it('tcp data without a handshake (mid-stream) is not established', () => {
    const engine = engineOf('alert tcp any any -> any any (msg:"m"; flow:established; content:"PING"; sid:1;)');
    const c = conversation().segment('client', 0x18, Buffer.from('PING'));
    expect(count(run(engine, c.frames).perFrame)).toBe(0);
  });

  it('an http.uri rule matches a request split across two segments, once, on the segment that completes it', () => {
    const engine = engineOf('alert http any any -> any any (msg:"m"; flow:established,to_server; http.uri; content:"/admin"; sid:4;)');
    const c = conversation().handshake()
      .segment('client', 0x18, Buffer.from('GET /ad'))
      .segment('client', 0x18, Buffer.from('min?x=1 HTTP/1.1\r\nHost: a\r\n\r\n'))
      .sendAcked('server', Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))
      .close('client');
    const { perFrame } = run(engine, c.frames);
    expect(count(perFrame)).toBe(1);
    expect(perFrame[4]).toEqual([4]);
  });

  it('a pkt_data content split across segments matches once, on the packet that completes it (test/cases/stream-split: as Suricata)', () => {
    const engine = engineOf('alert tcp any any -> any any (msg:"m"; content:"/admin"; sid:5;)');
    const c = conversation().handshake().segment('client', 0x18, Buffer.from('GET /ad')).segment('client', 0x18, Buffer.from('min HTTP/1.0\r\n\r\n'));
    const { perFrame } = run(engine, c.frames);
    expect(count(perFrame)).toBe(1);
    expect(perFrame[4]).toEqual([5]);
  });

  it.each([
    ['dsize keeps it on single packets', 'content:"/admin"; dsize:>0;'],
    ['a pcre has no bounded reach', 'pcre:"/\\/admin/";'],
    ['depth counts from the stream start, which the pattern is not at', 'content:"/admin"; depth:6;'],
  ])('a split pattern does not match where %s', (_what, options) => {
    const engine = engineOf(`alert tcp any any -> any any (msg:"m"; ${options} sid:5;)`);
    const c = conversation().handshake().segment('client', 0x18, Buffer.from('GET /ad')).segment('client', 0x18, Buffer.from('min HTTP/1.0\r\n\r\n'));
    expect(count(run(engine, c.frames).perFrame)).toBe(0);
  });

  it('alerts a split pattern once although the window holds it on later packets, and keeps per-packet matches', () => {
    const engine = engineOf('alert tcp any any -> any any (msg:"m"; content:"/admin"; sid:5;)');
    const c = conversation().handshake()
      .segment('client', 0x18, Buffer.from('GET /ad')).segment('client', 0x18, Buffer.from('min'))
      .segment('client', 0x18, Buffer.from(' x')).segment('client', 0x18, Buffer.from('GET /admin'));
    expect(run(engine, c.frames).perFrame.slice(3)).toEqual([[], [5], [], [5]]);
  });

  it('a content-only rule set alerts a pattern split at any position into two or three segments, once, on the completing packet (the boundary gate lets every such split through)', () => {
    const rules = 'alert tcp any any -> any any (msg:"m"; content:"UNION SELECT"; sid:1;)\nalert tcp any any -> any any (msg:"n"; content:"wget http"; nocase; sid:2;)';
    for (const [text, sid] of [['UNION SELECT', 1], ['WGet HTTP', 2]] as const) {
      const stream = `xx${text}yy`;
      for (let i = 1; i < stream.length; i++) {
        for (let j = i; j < stream.length; j++) {
          const parts = j === i ? [stream.slice(0, i), stream.slice(i)] : [stream.slice(0, i), stream.slice(i, j), stream.slice(j)];
          let c = conversation().handshake();
          for (const part of parts) c = c.segment('client', 0x18, Buffer.from(part, 'latin1'));
          const perFrame = run(engineOf(rules), c.frames).perFrame.slice(3);
          // the packet holding the pattern's last byte alerts, no other one
          let end = 0;
          const last = 2 + text.length - 1;
          const completing = parts.findIndex((part) => (end += part.length) > last);
          expect(perFrame).toEqual(parts.map((_p, k) => (k === completing ? [sid] : [])));
        }
      }
    }
  });

  it.each([
    ['IPv4, any any -> any any (the engine does not read the address strings)', 'alert tcp any any -> any any', 1],
    ['IPv4, a port that does not match', 'alert tcp any any -> any 81', 0],
    ['IPv4, an address that does not match', 'alert tcp 192.0.2.1 any -> any any', 0],
    ['IPv4, the client address', 'alert tcp 203.0.113.7 any -> any any', 1],
  ])('header on a content rule: %s', (_what, header, expected) => {
    const engine = engineOf(`${header} (msg:"m"; content:"/admin"; sid:5;)`);
    const c = conversation().handshake().segment('client', 0x18, Buffer.from('GET /admin HTTP/1.0\r\n\r\n'));
    expect(count(run(engine, c.frames).perFrame)).toBe(expected);
  });

  it.each([
    ['401 matches', 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\n401!', 1],
    ['200 does not', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n401', 0],
  ])('http_stat_code: %s', (_name, response, expected) => {
    const engine = engineOf('alert http any any -> any any (msg:"m"; flow:established,to_client; http.stat_code; content:"401"; sid:6;)');
    const c = conversation().handshake()
      .sendAcked('client', Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))
      .sendAcked('server', Buffer.from(response))
      .close('client');
    expect(count(run(engine, c.frames).perFrame)).toBe(expected);
  });

  it('flowbits: isset gates on a bit set earlier in the same flow; noalert suppresses the setter', () => {
    const rules = [
      'alert tcp any any -> any any (msg:"cmd"; content:"CMD"; flowbits:isset,logged; sid:8;)',
      'alert tcp any any -> any any (msg:"login"; content:"LOGIN"; flowbits:set,logged; flowbits:noalert; sid:7;)',
    ].join('\n');
    const without = conversation().handshake().sendAcked('client', Buffer.from('CMD')).close('client');
    expect(count(run(engineOf(rules), without.frames).perFrame)).toBe(0);
    const withLogin = conversation().handshake().sendAcked('client', Buffer.from('LOGIN')).sendAcked('client', Buffer.from('CMD')).close('client');
    expect(run(engineOf(rules), withLogin.frames).perFrame.flat()).toEqual([8]);
    const samePacket = conversation().handshake().sendAcked('client', Buffer.from('LOGIN CMD')).close('client');
    expect(run(engineOf(rules), samePacket.frames).perFrame.flat()).toEqual([8]);
  });

  it.each([
    ['threshold limit 2', 'threshold:type limit, track by_src, count 2, seconds 60;', 5, 2],
    ['threshold both 3 (once, at the 3rd)', 'threshold:type both, track by_dst, count 3, seconds 60;', 5, 1],
    ['threshold 2 (every 2nd)', 'threshold:type threshold, track by_src, count 2, seconds 60;', 5, 2],
    ['detection_filter 3 (every match after the 3rd)', 'detection_filter:track by_src, count 3, seconds 60;', 5, 2],
    ['detection_filter window over', 'detection_filter:track by_src, count 3, seconds 1;', 5, 0],
  ])('%s', (_name, option, packets, expected) => {
    const engine = engineOf(`alert udp any any -> any any (msg:"m"; content:"x"; ${option} sid:9;)`);
    // one second apart only for the 1-second window case (each packet restarts it)
    const gap = option.includes('seconds 1;') ? 1_000_000 : 1000;
    const frames = Array.from({ length: packets }, (_, i) => udp(T0 + i * gap, CLIENT.ip, 40000 + i, SERVER.ip, 53, 'x'));
    expect(count(run(engine, frames).perFrame)).toBe(expected);
  });

  it('a pass rule that matches ends the packet: no alert from other rules', () => {
    const engine = engineOf([
      'alert udp any any -> any any (msg:"a"; content:"x"; sid:10;)',
      'pass udp 203.0.113.7 any -> any any (msg:"p"; content:"x"; sid:11;)',
    ].join('\n'));
    const { perFrame } = run(engine, [udp(T0, CLIENT.ip, 40000, SERVER.ip, 53, 'x'), udp(T0 + 1, '198.51.100.1', 40000, SERVER.ip, 53, 'x')]);
    expect(perFrame).toEqual([[], [10]]);
  });

  it('a threshold spec with count 0 is refused at construction', () => {
    const { rules } = parseRuleFile('alert udp any any -> any any (msg:"m"; content:"x"; threshold:type limit, track by_src, count 1, seconds 1; sid:12;)', { file: 't' });
    const bad = { ...rules[0], threshold: { ...rules[0].threshold!, count: 0 } };
    expect(() => new SignatureEngine([bad])).toThrow(SignatureRuleInvalidError);
  });

  it('maps a match to a signature-hit record whose flow_id is the flow stage\'s id', () => {
    const engine = engineOf('alert udp any any -> any any (msg:"m x"; content:"x"; classtype:attempted-dos; metadata:family dos, label udp-flood; sid:13; rev:2;)');
    const frames = [udp(T0, CLIENT.ip, 40000, SERVER.ip, 53, 'a'), udp(T0 + 5, CLIENT.ip, 40000, SERVER.ip, 53, 'x')];
    const { matches } = run(engine, frames);
    expect(matches).toHaveLength(1);
    const key = `17/0/${SERVER.ip}/53/${CLIENT.ip}/40000`;
    expect(toSignatureHitRecord(matches[0])).toEqual({
      ts_us: T0 + 5, flow_id: flowNumericId(key, T0), flow_key: key, src_ip: CLIENT.ip, src_port: 40000, dest_ip: SERVER.ip, dest_port: 53,
      proto: 'UDP', gid: 1, sid: 13, rev: 2, msg: 'm x', classtype: 'attempted-dos', priority: 2, family: 'dos', label: 'udp-flood',
    });
  });

  describe('parses HTTP only where some rule could read it', () => {
    const exchange = () => conversation().handshake()
      .sendAcked('client', Buffer.from('GET /admin HTTP/1.1\r\nHost: a\r\n\r\n'))
      .sendAcked('server', Buffer.from('HTTP/1.1 401 No\r\nContent-Length: 0\r\n\r\n'))
      .close('client');
    // The conversation runs from 203.0.113.7:40000 to 10.0.5.10:80.
    it.each([
      ['no rule reads HTTP', 'alert tcp any any -> any any (msg:"m"; content:"GET /admin"; sid:1;)', 1, 0, 0],
      ['a request-buffer rule: requests only', 'alert tcp any any -> any any (msg:"m"; http.uri; content:"/admin"; sid:1;)', 1, 1, 0],
      ['an http_stat_code rule: responses only', 'alert tcp any any -> any any (msg:"m"; http.stat_code; content:"401"; sid:1;)', 1, 0, 1],
      ['an http rule on pkt_data: both (it is admitted once HTTP was seen)', 'alert http any any -> any any (msg:"m"; content:"401"; sid:1;)', 1, 1, 1],
      ['urilen reads http_uri', 'alert tcp any any -> any any (msg:"m"; urilen:>3; sid:1;)', 1, 1, 0],
      ['the HTTP rule\'s port admits the connection', 'alert tcp any any -> any 80 (msg:"m"; http.uri; content:"/admin"; sid:1;)', 1, 1, 0],
      ['...in the reversed orientation too', 'alert tcp any 80 -> any any (msg:"m"; http.stat_code; content:"401"; sid:1;)', 1, 0, 1],
      ['the HTTP rule\'s port does not admit it', 'alert tcp any any -> any 8080 (msg:"m"; http.uri; content:"/admin"; sid:1;)', 0, 0, 0],
      ['its address does not admit it', 'alert tcp any any -> 192.0.2.0/24 any (msg:"m"; http.uri; content:"/admin"; sid:1;)', 0, 0, 0],
    ])('%s', (_name, rule, alerts, requests, responses) => {
      const engine = engineOf(rule);
      expect(count(run(engine, exchange().frames).perFrame)).toBe(alerts);
      expect([engine.stats.httpRequests, engine.stats.httpResponses]).toEqual([requests, responses]);
    });

    it('parses every connection when the HTTP rules have too many distinct headers to try per connection', () => {
      const rules = Array.from({ length: 40 }, (_, i) => `alert tcp any any -> any ${9000 + i} (msg:"m"; http.uri; content:"/admin"; sid:${i + 1};)`);
      const engine = engineOf(rules.join('\n'));
      expect(count(run(engine, exchange().frames).perFrame)).toBe(0);
      expect(engine.stats.httpRequests).toBe(1);
    });
  });

  it.each([
    ['ports ignored for icmp', 1, true],
    ['ports checked for udp', 17, false],
  ])('headerMatches: %s', (_name, ipProto, expected) => {
    const { rules } = parseRuleFile('alert ip any 1 -> any 2 (msg:"m"; sid:14;)', { file: 't' });
    expect(headerMatches(rules[0], { src: '1.1.1.1', dst: '2.2.2.2', srcPort: 8, dstPort: 0, ipProto })).toBe(expected);
  });
});
