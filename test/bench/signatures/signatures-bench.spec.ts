import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePacket } from '@ids/packet';
import { parseRuleFile } from '@ids/rules';
import { FIRST_HTTP_SID, FIRST_SID, HTTP_RULE_BUFFERS, INDICATORS, generateHttpRules, generateRuleSet, indicatorCount } from './signature-rules.generator';
import { payloadLine, writeSignatureWorkload } from './signature-workload.generator';
import { parseSignaturesBenchArgs } from './signatures-bench-args';

describe('generateRuleSet', () => {
  it.each([10, 1000, 10000])('gives %i rules that parse without error, the same each time', (n) => {
    const a = generateRuleSet(n);
    expect(a.text).toBe(generateRuleSet(n).text);
    expect(a.rules).toHaveLength(n);
    const { rules, errors } = parseRuleFile(a.text, { file: 'gen.rules' });
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.sid)).toEqual(a.rules.map((r) => r.sid));
    expect(rules.every((r, i) => r.fastPattern !== null && Buffer.from(r.fastPattern.bytes).toString('latin1') === a.rules[i].pattern && r.fastPattern.nocase === a.rules[i].nocase)).toBe(true);
  });

  it('makes 6-20 byte patterns without quote, semicolon, backslash, pipe, colon or line ends, all distinct', () => {
    const { rules, patterns } = generateRuleSet(10000);
    for (const r of rules) {
      expect(r.pattern.length).toBeGreaterThanOrEqual(6);
      expect(r.pattern.length).toBeLessThanOrEqual(20);
      expect(r.pattern).not.toMatch(/[";\\|:\r\n]/);
    }
    expect(new Set(rules.map((r) => r.pattern)).size).toBe(rules.length);
    expect(patterns.split('\n').slice(0, -1)).toEqual(rules.map((r) => r.pattern));
  });

  it.each([
    [10, 1], [1000, 10], [10000, INDICATORS.length],
  ])('plants indicators in %i rules: %i of them', (n, k) => {
    expect(indicatorCount(n)).toBe(k);
    const set = generateRuleSet(n);
    expect(set.rules.filter((r) => r.indicator)).toHaveLength(k);
    expect(set.rules.filter((r) => INDICATORS.includes(r.pattern)).every((r) => r.indicator)).toBe(true);
    expect(set.rules[0].sid).toBe(FIRST_SID);
  });

  it('differs between seeds and refuses a count below 1', () => {
    expect(generateRuleSet(100, 1).text).not.toBe(generateRuleSet(100, 2).text);
    expect(() => generateRuleSet(0)).toThrow(/positive integer/);
  });
});

describe('generateHttpRules', () => {
  it('gives rules that parse, read each HTTP buffer in turn, keep clear of the content sids, and are the same each time', () => {
    const text = generateHttpRules(12);
    expect(generateHttpRules(12)).toBe(text);
    const { rules, errors } = parseRuleFile(text, { file: 'http.rules' });
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.sid)).toEqual(Array.from({ length: 12 }, (_, i) => FIRST_HTTP_SID + i));
    expect(rules.map((r) => r.fastPattern?.buffer)).toEqual([...HTTP_RULE_BUFFERS, ...HTTP_RULE_BUFFERS].map((b) => b.replace('.', '_')));
    expect(FIRST_HTTP_SID).toBeGreaterThan(FIRST_SID + 10000);
  });

  it('gives nothing for 0 and refuses a negative count', () => {
    expect(generateHttpRules(0)).toBe('');
    expect(() => generateHttpRules(-1)).toThrow(/non-negative/);
  });
});

describe('payloadLine', () => {
  it.each([
    ['plain', 'GET / HTTP/1.1', 'GET / HTTP/1.1\n'],
    ['CRLF', 'a\r\nb\n', 'a\r\rb\r\n'],
    ['empty', '', '\n'],
  ])('%s', (_, input, expected) => {
    expect(payloadLine(Buffer.from(input, 'latin1')).toString('latin1')).toBe(expected);
  });
});

describe('writeSignatureWorkload', () => {
  it('writes the same bytes each time, and a payload file of exactly the capture\'s TCP/UDP payloads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sig-workload-'));
    try {
      const opts = { payloadBytes: 200_000, seed: 7 };
      const s1 = writeSignatureWorkload(join(dir, 'a.pcap'), join(dir, 'a.txt'), opts);
      writeSignatureWorkload(join(dir, 'b.pcap'), join(dir, 'b.txt'), opts);
      const pcap = readFileSync(join(dir, 'a.pcap'));
      expect(pcap.equals(readFileSync(join(dir, 'b.pcap')))).toBe(true);
      expect(pcap.length).toBe(s1.pcapBytes);
      const frames: { data: Buffer; tsUs: number; linkType: number }[] = [];
      // classic pcap, little-endian, microseconds: a 24-byte file header, then 16-byte record headers
      for (let at = 24; at < pcap.length;) {
        const len = pcap.readUInt32LE(at + 8);
        frames.push({ data: pcap.subarray(at + 16, at + 16 + len), tsUs: pcap.readUInt32LE(at) * 1e6 + pcap.readUInt32LE(at + 4), linkType: 1 });
        at += 16 + len;
      }
      expect(frames).toHaveLength(s1.frames);
      const lines: Buffer[] = [];
      let lastTs = 0;
      for (const f of frames) {
        const pkt = decodePacket(f.data, 1, f.tsUs);
        expect(pkt.ok).toBe(true);
        if (!pkt.ok) continue;
        expect(f.tsUs).toBeGreaterThanOrEqual(lastTs);
        lastTs = f.tsUs;
        if (pkt.payloadLength > 0) lines.push(payloadLine(f.data.subarray(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength)));
      }
      expect(Buffer.concat(lines).equals(readFileSync(join(dir, 'a.txt')))).toBe(true);
      expect(s1.payloadBytes).toBeGreaterThanOrEqual(200_000);
      expect(s1.payloadFrames).toBe(lines.length);
      expect(s1.udpPayloadBytes).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseSignaturesBenchArgs', () => {
  it.each([
    [[], { repeat: 3, rules: [10, 1000, 10000], quick: false }],
    [['--quick'], { repeat: 1, quick: true, capture: '.local/bench/signatures-quick.pcap' }],
    [['--rules', '5,50', '--repeat', '2', '--only', 'grep,ac'], { rules: [5, 50], repeat: 2, only: ['grep', 'ac'], httpRules: 0 }],
    [['--http-rules', '6'], { httpRules: 6 }],
    [[], { passes: 3 }],
    [['--passes', '1'], { passes: 1 }],
  ])('%j', (argv, expected) => {
    expect(parseSignaturesBenchArgs(argv as string[])).toMatchObject(expected);
  });

  it.each([[['--repeat', '0']], [['--only', 'bogus']], [['--nope', '1']], [['--rules']], [['--http-rules', '-1']], [['--passes', '0']]])('refuses %j', (argv) => {
    expect(() => parseSignaturesBenchArgs(argv)).toThrow();
  });
});
