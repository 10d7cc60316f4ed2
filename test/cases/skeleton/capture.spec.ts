import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSkeletonCapture } from '../../fixtures/skeleton-capture.generator';

const CAPTURE = join(__dirname, 'capture.pcap');

describe('test/cases/skeleton/capture.pcap', () => {
  it('is exactly what the generator produces (regenerate: npm run build && node dist/test/fixtures/generate.js)', () => {
    const committed = readFileSync(CAPTURE);
    const generated = generateSkeletonCapture();
    expect(generated.length).toBe(committed.length);
    expect(generated.equals(committed)).toBe(true);
  });

  it('stays commit-sized', () => {
    expect(readFileSync(CAPTURE).length).toBeLessThan(256 * 1024);
  });
});
