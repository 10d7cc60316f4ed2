// The same capture rewritten by Wireshark's editcap as pcapng, as nanosecond pcap, and with a
// snap length, must read back as the same frames (pcapng and ns through our reader, not editcap's).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapFileReader, type CaptureFileInfo, type CaptureFrame } from '@ids/pcap';
import { flowsFromCapture } from '../../fixtures/capture-flows';

const CAPTURE = join(__dirname, 'capture.pcap');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skeleton-formats-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(path: string): Promise<{ frames: CaptureFrame[]; info: CaptureFileInfo | null }> {
  const reader = new PcapFileReader(path, { chunkSize: 4096 });
  const frames: CaptureFrame[] = [];
  for await (const frame of reader) frames.push(frame);
  return { frames, info: reader.info };
}

function editcap(args: string[], out: string): string {
  try {
    execFileSync('editcap', [...args, CAPTURE, out], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('editcap is not installed (it comes with tshark: apt-get install tshark)');
    throw error;
  }
  return out;
}

const summary = (f: CaptureFrame) => [f.index, f.tsUs, f.capturedLength, f.originalLength, f.linkType, f.data.toString('hex')];

describe('the skeleton capture in other formats', () => {
  it.each([
    ['pcapng', ['-F', 'pcapng'], 'pcapng', 'us'],
    ['nanosecond pcap', ['-F', 'nsecpcap'], 'pcap', 'ns'],
  ])('reads the same frames from %s', async (_name, args, format, resolution) => {
    const original = await read(CAPTURE);
    const converted = await read(editcap(args, join(dir, `converted.${format}`)));
    expect(converted.info).toMatchObject({ format, resolution, linkType: 1 });
    expect(converted.frames.map(summary)).toEqual(original.frames.map(summary));
  });

  it('keeps the original lengths of frames cut by a snap length', async () => {
    const original = await read(CAPTURE);
    const cut = await read(editcap(['-s', '64'], join(dir, 'snap64.pcap')));
    expect(cut.frames.map((f) => [f.capturedLength, f.originalLength])).toEqual(original.frames.map((f) => [Math.min(64, f.capturedLength), f.originalLength]));
  });

  it('gives the same flows from a copy cut to 96 bytes a frame (lengths come from the headers)', async () => {
    const cut = await flowsFromCapture(editcap(['-s', '96'], join(dir, 'snap96.pcap')));
    expect(cut.flows).toEqual((await flowsFromCapture(CAPTURE)).flows);
  });
});
