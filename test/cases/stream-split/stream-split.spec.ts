// Patterns across TCP segment boundaries: the signature engine with stream.rules over capture.pcap
// gives the per-sid alert counts Suricata 7.0.10 gave (expected.json; stream-split.int-spec.ts
// runs Suricata to check it). Regenerate the capture after changing the generator with
//   npm run build && node -e "require('fs').writeFileSync('test/cases/stream-split/capture.pcap',
//     require('./dist/test/fixtures/stream-split-capture.generator').generateStreamSplitCapture())"
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureEngine } from '@ids/detection';
import { flowKey } from '@ids/flow';
import { decodePacket } from '@ids/packet';
import { PcapFileReader } from '@ids/pcap';
import { parseRuleFile } from '@ids/rules';
import { generateStreamSplitCapture } from '../../fixtures/stream-split-capture.generator';

const CAPTURE = join(__dirname, 'capture.pcap');

describe('signature engine over patterns split across TCP segments (test/cases/stream-split)', () => {
  it('has the committed capture its generator writes', () => {
    expect(readFileSync(CAPTURE).equals(generateStreamSplitCapture())).toBe(true);
  });

  it('raises the alerts Suricata raises, rule for rule', async () => {
    const { rules, errors } = parseRuleFile(readFileSync(join(__dirname, 'stream.rules'), 'utf8'), { file: 'stream.rules' });
    expect(errors).toEqual([]);
    const engine = new SignatureEngine(rules);
    const counts: Record<string, number> = {};
    for await (const frame of new PcapFileReader(CAPTURE)) {
      const pkt = decodePacket(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
      if (!pkt.ok) continue;
      for (const m of engine.inspect(frame.data, pkt, flowKey(pkt))) counts[m.rule.sid] = (counts[m.rule.sid] ?? 0) + 1;
    }
    expect(counts).toEqual(JSON.parse(readFileSync(join(__dirname, 'expected.json'), 'utf8')));
  });
});
