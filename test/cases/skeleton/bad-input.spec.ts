// Broken capture files get a typed error that names the file and the byte offset.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapBadMagicError, PcapEmptyFileError, PcapFileReader, PcapTruncatedError, type CaptureFrame, type PcapFileError } from '@ids/pcap';

const CAPTURE = join(__dirname, 'capture.pcap');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skeleton-bad-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(path: string): Promise<{ frames: CaptureFrame[]; error: PcapFileError | null }> {
  const frames: CaptureFrame[] = [];
  try {
    for await (const frame of new PcapFileReader(path)) frames.push(frame);
    return { frames, error: null };
  } catch (error) {
    return { frames, error: error as PcapFileError };
  }
}

describe('bad capture files', () => {
  it('an empty file', async () => {
    const path = join(dir, 'empty.pcap');
    writeFileSync(path, '');
    const { error } = await read(path);
    expect(error).toBeInstanceOf(PcapEmptyFileError);
    expect(error).toMatchObject({ code: 'PCAP_EMPTY_FILE', retriable: false, path, offset: 0 });
  });

  it('a text file', async () => {
    const path = join(dir, 'notes.pcap');
    writeFileSync(path, 'src_ip,src_port,dst_ip\n10.0.0.1,80,10.0.0.2\n');
    const { error } = await read(path);
    expect(error).toBeInstanceOf(PcapBadMagicError);
    expect(error).toMatchObject({ code: 'PCAP_BAD_MAGIC', retriable: false, path, offset: 0 });
    expect(error?.message).toContain(`${path}: not a pcap or pcapng capture`);
    expect(error?.message).toContain('73 72 63 5f 69 70 2c 73 ("src_ip,s")');
  });

  it('the skeleton capture cut in the middle of record 17', async () => {
    const all = await read(CAPTURE);
    expect(all.error).toBeNull();
    const record17 = all.frames[17];
    const path = join(dir, 'cut.pcap');
    writeFileSync(path, readFileSync(CAPTURE).subarray(0, record17.offset + 16 + 10));
    const { frames, error } = await read(path);
    expect(frames).toHaveLength(17);
    expect(error).toBeInstanceOf(PcapTruncatedError);
    expect(error).toMatchObject({ code: 'PCAP_TRUNCATED', retriable: false, path, offset: record17.offset, record: 17 });
    expect(error?.message).toBe(`${path}: truncated: record 17 at byte ${record17.offset} declares ${record17.capturedLength} bytes but only 10 remain`);
  });
});
