// The project's signature engine against Suricata 7.0.10: for every case, the engine with the
// full shipped rule set over attack.pcap and benign.pcap gives the per-sid alert counts that
// Suricata gave (expected.json, written by run-suricata.sh). Unit project: no server, no suricata.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureEngine } from '@ids/detection';
import { flowKey } from '@ids/flow';
import { decodePacket } from '@ids/packet';
import { PcapFileReader } from '@ids/pcap';
import { parseRuleFile, type Rule } from '@ids/rules';
import { RULE_FILES, RULES_DIR } from './shipped-rules';

function loadShippedRules(): Rule[] {
  return RULE_FILES.flatMap((file) => {
    const { rules, errors } = parseRuleFile(readFileSync(join(RULES_DIR, file), 'utf8'), { file });
    expect(errors).toEqual([]);
    return rules;
  });
}

async function alertCounts(rules: Rule[], pcap: string): Promise<Record<string, number>> {
  const engine = new SignatureEngine(rules);
  const counts: Record<string, number> = {};
  for await (const frame of new PcapFileReader(pcap)) {
    const pkt = decodePacket(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
    if (!pkt.ok) continue;
    for (const m of engine.inspect(frame.data, pkt, flowKey(pkt))) counts[m.rule.sid] = (counts[m.rule.sid] ?? 0) + 1;
  }
  return counts;
}

const CASES = readdirSync(__dirname).filter((name) => statSync(join(__dirname, name)).isDirectory()).sort();

describe('signature engine vs Suricata 7.0.10 (test/cases/signatures)', () => {
  const rules = loadShippedRules();

  it('finds the 19 cases', () => {
    expect(CASES).toHaveLength(19);
  });

  describe.each(CASES)('%s', (name) => {
    const expected = JSON.parse(readFileSync(join(__dirname, name, 'expected.json'), 'utf8')) as { attack: Record<string, number>; benign: Record<string, number> };

    it('attack.pcap: the per-sid alert counts Suricata gave', async () => {
      expect(await alertCounts(rules, join(__dirname, name, 'attack.pcap'))).toEqual(expected.attack);
    });

    it('benign.pcap: the per-sid alert counts Suricata gave (none)', async () => {
      expect(await alertCounts(rules, join(__dirname, name, 'benign.pcap'))).toEqual(expected.benign);
    });
  });
});
