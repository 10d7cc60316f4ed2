// The committed captures are exactly what the generators write (regenerate:
// npm run build && node dist/test/fixtures/signature-captures/generate.js), and stay commit-sized.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSignatureCapture } from '../../fixtures/signature-captures/signature-capture.encoder';
import { SIGNATURE_CASES } from '../../fixtures/signature-captures/signature-cases';

describe('test/cases/signatures captures', () => {
  describe.each(SIGNATURE_CASES.map((c) => [c.name, c] as const))('%s', (name, c) => {
    it.each([['attack', c.attack], ['benign', c.benign]] as const)('%s.pcap is the generator output and under 300 KB', (kind, frames) => {
      const path = join(__dirname, name, `${kind}.pcap`);
      expect(existsSync(path)).toBe(true);
      const committed = readFileSync(path);
      expect(committed.length).toBeLessThan(300 * 1024);
      expect(encodeSignatureCapture(frames()).equals(committed)).toBe(true);
    });

    it('has an expected.json with alerts for the attack and none for the benign capture', () => {
      const expected = JSON.parse(readFileSync(join(__dirname, name, 'expected.json'), 'utf8')) as { attack: Record<string, number>; benign: Record<string, number> };
      expect(Object.values(expected.attack).length).toBeGreaterThan(0);
      expect(expected.benign).toEqual({});
    });
  });
});
