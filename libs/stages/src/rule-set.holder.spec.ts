import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, TOPICS, type PacketRecord, type SignatureHitRecord } from '@ids/contracts';
import { EmbeddedRuntime, InMemoryLog, endOfInput, partitionForKey } from '@ids/topology';
import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../../../test/fixtures/frame.builder';
import { flowKeyOfFrame } from './frame-key';
import { RuleSetHolder } from './rule-set.holder';
import { SignatureRulesUnreadableError, signaturesTopology } from './signatures.stage';

const rule = (sid: number, content: string, extra = '') => `alert udp any any -> any 53 (msg:"m${sid}"; content:"${content}"; ${extra}sid:${sid};)`;
const BAD = 'alert udp any any -> any 53 (msg:"bad"; bogus; sid:%;)';

function rulesDir(files: Record<string, readonly string[]>) {
  const dir = mkdtempSync(join(tmpdir(), 'ids-reload-'));
  const write = (next: Record<string, readonly string[]>) => { for (const [name, lines] of Object.entries(next)) writeFileSync(join(dir, name), `${lines.join('\n')}\n`); };
  write(files);
  return { dir, write, remove: (name: string) => rmSync(join(dir, name)) };
}

describe('RuleSetHolder', () => {
  it('loads at construction as version 1 and throws for an unreadable path, as at start', () => {
    const d = rulesDir({ 'a.rules': [rule(1, 'evil')] });
    const holder = new RuleSetHolder(d.dir);
    expect({ version: holder.version, sids: holder.current.rules.map((r) => r.sid) }).toEqual({ version: 1, sids: [1] });
    expect(() => new RuleSetHolder(join(d.dir, 'missing.rules'))).toThrow(SignatureRulesUnreadableError);
  });

  // each case: the serving file(s), the edit, then the outcome, serving version and sids, and the errors reported
  it.each([
    ['a rule added: applied', { 'a.rules': [rule(1, 'evil')] }, { 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] }, 'applied', 2, [1, 2], 0],
    ['a rule changed: applied', { 'a.rules': [rule(1, 'evil')] }, { 'a.rules': [rule(1, 'other')] }, 'applied', 2, [1], 0],
    ['a rule deleted: applied', { 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] }, { 'a.rules': [rule(2, 'worse')] }, 'applied', 2, [2], 0],
    ['a new rule that does not parse: skipped, the rest applied', { 'a.rules': [rule(1, 'evil')] }, { 'a.rules': [rule(1, 'evil'), rule(2, 'worse'), BAD.replace('%', '3')] }, 'applied', 2, [1, 2], 1],
    ['a new rule repeating a serving sid: skipped, the rest applied', { 'a.rules': [rule(1, 'evil')] }, { 'b.rules': [rule(1, 'dup'), rule(2, 'worse')] }, 'applied', 2, [1, 2], 1],
    ['the same texts: unchanged', { 'a.rules': [rule(1, 'evil')] }, { 'a.rules': ['# a comment', rule(1, 'evil')] }, 'unchanged', 1, [1], 0],
    ['a serving rule that no longer parses: rejected', { 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] }, { 'a.rules': [rule(1, 'evil'), BAD.replace('%', '2')] }, 'rejected', 1, [1, 2], 1],
    ['a serving rule whose sid no longer parses: rejected', { 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] }, { 'a.rules': [rule(1, 'evil'), 'alert udp any any -> any 53 (msg:"x"; content:"worse"; sid:two;)'] }, 'rejected', 1, [1, 2], 1],
    ['a new threshold that does not parse: skipped, the rest applied', { 'a.rules': [rule(1, 'evil')] }, { 'a.rules': [rule(1, 'other'), rule(2, 'worse', 'detection_filter:track by_src, count 0, seconds 60; ')] }, 'applied', 2, [1], 1],
  ] as const)('%s', (_, before, after, outcome, version, sids, errors) => {
    const d = rulesDir(before);
    const holder = new RuleSetHolder(d.dir);
    d.write(after);
    const result = holder.reload();
    expect({ outcome: result.outcome, version: result.version, holderVersion: holder.version, sids: holder.current.rules.map((r) => r.sid) })
      .toEqual({ outcome, version, holderVersion: version, sids });
    expect(result.errors.length).toBeGreaterThanOrEqual(errors);
    if (errors === 0) expect(result.errors).toEqual([]);
    if (outcome === 'rejected') expect(result.reason).toEqual(expect.any(String));
  });

  it('rejects a reload whose path cannot be read, keeps serving, and applies the next good one', () => {
    const d = rulesDir({ 'a.rules': [rule(1, 'evil')] });
    const file = join(d.dir, 'a.rules');
    const holder = new RuleSetHolder(file);
    d.remove('a.rules');
    expect(holder.reload()).toMatchObject({ outcome: 'rejected', version: 1, reason: expect.stringContaining(file) });
    expect(holder.current.rules.map((r) => r.sid)).toEqual([1]);
    d.write({ 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] });
    expect(holder.reload()).toMatchObject({ outcome: 'applied', version: 2 });
  });

  it('rejects a set the engine refuses (the probe throws)', () => {
    const d = rulesDir({ 'a.rules': [rule(1, 'evil')] });
    const holder = new RuleSetHolder(d.dir, { probe: (rules) => { if (rules.length > 1) throw new Error('too many'); } });
    d.write({ 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] });
    expect(holder.reload()).toEqual({ outcome: 'rejected', version: 1, reason: 'the engine refuses the new rule set: too many', errors: ['the engine refuses the new rule set: too many'] });
    expect(holder.current.rules.map((r) => r.sid)).toEqual([1]);
  });

  it('accepts a sidless error the serving set already had, so a deletion in that file still applies', () => {
    const broken = 'alert udp any any -> any 53 (msg:"x"; content:"y"; sid:nope;)';
    const d = rulesDir({ 'a.rules': [broken, rule(1, 'evil'), rule(2, 'worse')] });
    const holder = new RuleSetHolder(d.dir);
    expect(holder.current.errors).toHaveLength(1);
    d.write({ 'a.rules': [broken, rule(2, 'worse')] });
    expect(holder.reload()).toMatchObject({ outcome: 'applied', version: 2 });
  });
});

describe('SignatureDetectProcessor with a RuleSetHolder', () => {
  const eth = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };

  it('picks the new rule set up on the next packet after a reload, and keeps the old one after a broken reload', async () => {
    const d = rulesDir({ 'a.rules': [rule(1, 'evil')] });
    const holder = new RuleSetHolder(d.dir);
    const log = new InMemoryLog();
    for (const t of ALL_TOPICS) log.createTopic(t.name, t.partitions);
    const runtime = new EmbeddedRuntime(log, signaturesTopology(holder));
    runtime.start();
    let seq = 0;
    const send = (tsUs: number, payload: string) => {
      const frame = ethernetFrame(eth, ETHERTYPE_IPV4, udpPacket({ src: '203.0.113.1', dst: '10.0.0.2' }, { srcPort: 5000, dstPort: 53 }, Buffer.from(payload)));
      const key = flowKeyOfFrame({ tsUs, originalLength: frame.length, linkType: 1, data: frame });
      const value: PacketRecord = { ts_us: tsUs, capture_id: 't', seq: seq++, interface: 't', link_type: 1, original_length: frame.length, data: frame };
      log.append(TOPICS.packets.name, key === null ? 0 : partitionForKey(key, TOPICS.packets.partitions), { key, value, timestampUs: tsUs });
    };
    const hits = () => Array.from({ length: TOPICS.signatureHits.partitions }, (_, p) => log.read(TOPICS.signatureHits.name, p, 0, 1e6))
      .flat().map((r) => r.record).filter((r) => !r.control).map((r) => [(r.value as SignatureHitRecord).sid, r.timestampUs]);

    send(1000, 'evil worse');
    await runtime.runUntilIdle();
    d.write({ 'a.rules': [rule(1, 'evil'), rule(2, 'worse')] });
    expect(holder.reload().outcome).toBe('applied');
    send(2000, 'evil worse');
    await runtime.runUntilIdle();
    d.write({ 'a.rules': [BAD.replace('%', '1'), rule(2, 'worse')] });
    expect(holder.reload().outcome).toBe('rejected');
    send(3000, 'evil worse');
    await runtime.runUntilIdle();
    // Hits come out of the thresholds sub-topology once event time has passed them.
    for (let p = 0; p < TOPICS.packets.partitions; p++) log.append(TOPICS.packets.name, p, endOfInput(3000));
    await runtime.runUntilIdle();
    expect(hits()).toEqual([[1, 1000], [1, 2000], [2, 2000], [1, 3000], [2, 3000]]);
  });
});
