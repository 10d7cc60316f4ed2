import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureFrame } from './capture-frame';
import { PcapFileReader, type PcapReadOptions } from './pcap-file.reader';
import { encodePcap, encodePcapFileHeader, encodePcapRecord, type PcapWriteFrame, type PcapWriteOptions } from './pcap-file.writer';
import { PcapBadMagicError, PcapEmptyFileError, PcapFileError, PcapRecordInvalidError, PcapTruncatedError } from './pcap.error';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pcap-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function readAll(path: string, options?: PcapReadOptions): Promise<CaptureFrame[]> {
  const frames: CaptureFrame[] = [];
  for await (const frame of new PcapFileReader(path, options)) frames.push(frame);
  return frames;
}

async function readError(path: string, options?: PcapReadOptions): Promise<PcapFileError> {
  try {
    await readAll(path, options);
  } catch (error) {
    if (error instanceof PcapFileError) return error;
    throw error;
  }
  throw new Error(`reading ${path} did not fail`);
}

const frames: PcapWriteFrame[] = Array.from({ length: 40 }, (_, i) => ({
  tsUs: 1_705_312_800_000_000 + i * 1_234_567,
  data: Buffer.alloc(10 + ((i * 37) % 200), i),
  originalLength: i % 5 === 0 ? 1514 : undefined,
}));

describe('PcapFileReader', () => {
  const layouts: [string, PcapWriteOptions][] = [
    ['little-endian µs', { byteOrder: 'LE' }],
    ['big-endian µs', { byteOrder: 'BE' }],
    ['little-endian ns', { byteOrder: 'LE', nanoseconds: true }],
    ['big-endian ns, raw IP', { byteOrder: 'BE', nanoseconds: true, linkType: 101 }],
  ];
  const chunkSizes = [64, 100, 333, 1 << 20];

  it.each(layouts.flatMap(([name, opts]) => chunkSizes.map((chunk) => [name, chunk, opts] as const)))(
    'reads every frame of a %s file with %d-byte chunks',
    async (name, chunkSize, opts) => {
      const path = file(`${name}-${chunkSize}.pcap`, encodePcap(frames, opts));
      const read = await readAll(path, { chunkSize });
      expect(read).toHaveLength(frames.length);
      let offset = 24;
      read.forEach((frame, i) => {
        expect(frame.index).toBe(i);
        expect(frame.tsUs).toBe(frames[i].tsUs);
        expect(frame.linkType).toBe(opts.linkType ?? 1);
        expect(frame.capturedLength).toBe(frames[i].data.length);
        expect(frame.originalLength).toBe(frames[i].originalLength ?? frames[i].data.length);
        expect(frame.data.equals(frames[i].data)).toBe(true);
        expect(frame.offset).toBe(offset);
        offset += 16 + frames[i].data.length;
      });
    },
  );

  it('keeps frames valid after later chunks are read (views are never overwritten)', async () => {
    const path = file('views.pcap', encodePcap(frames));
    const read = await readAll(path, { chunkSize: 64 });
    read.forEach((frame, i) => expect(frame.data.equals(frames[i].data)).toBe(true));
  });

  it('reports the file header', async () => {
    const reader = new PcapFileReader(file('info.pcap', encodePcap(frames.slice(0, 1), { byteOrder: 'BE', nanoseconds: true, linkType: 113, snapLength: 96 })));
    for await (const _ of reader) void _;
    expect(reader.info).toEqual({ format: 'pcap', byteOrder: 'BE', resolution: 'ns', versionMajor: 2, versionMinor: 4, linkType: 113, snapLength: 96 });
  });

  it('reads a file with a header and no records', async () => {
    expect(await readAll(file('header-only.pcap', encodePcapFileHeader()))).toEqual([]);
  });

  it('yields whole chunks from batches()', async () => {
    const path = file('batches.pcap', encodePcap(frames));
    const sizes: number[] = [];
    for await (const batch of new PcapFileReader(path, { chunkSize: 1024 }).batches()) sizes.push(batch.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(frames.length);
    expect(sizes.length).toBeLessThan(frames.length);
  });

  describe('bad input', () => {
    const good = encodePcap(frames.slice(0, 3));
    const record2 = 24 + 16 + frames[0].data.length + 16 + frames[1].data.length;
    const cases: { name: string; bytes: Buffer | string; error: new (...args: never[]) => PcapFileError; code: string; offset: number; message: RegExp }[] = [
      { name: 'empty file', bytes: Buffer.alloc(0), error: PcapEmptyFileError, code: 'PCAP_EMPTY_FILE', offset: 0, message: /empty file/ },
      { name: 'text file', bytes: 'Hello, this is not a capture\n', error: PcapBadMagicError, code: 'PCAP_BAD_MAGIC', offset: 0, message: /first bytes: 48 65 6c 6c 6f 2c 20 74 \("Hello, t"\)/ },
      { name: 'two bytes', bytes: Buffer.from([1, 2]), error: PcapBadMagicError, code: 'PCAP_BAD_MAGIC', offset: 0, message: /01 02/ },
      { name: 'truncated file header', bytes: good.subarray(0, 20), error: PcapTruncatedError, code: 'PCAP_TRUNCATED', offset: 0, message: /the pcap file header at byte 0 declares 24 bytes but only 20 remain/ },
      { name: 'truncated record header', bytes: good.subarray(0, record2 + 7), error: PcapTruncatedError, code: 'PCAP_TRUNCATED', offset: record2, message: new RegExp(`the header of record 2 at byte ${record2} declares 16 bytes but only 7 remain`) },
      {
        name: 'truncated record data', bytes: good.subarray(0, record2 + 16 + 5), error: PcapTruncatedError, code: 'PCAP_TRUNCATED', offset: record2,
        message: new RegExp(`record 2 at byte ${record2} declares ${frames[2].data.length} bytes but only 5 remain`),
      },
      {
        name: 'absurd captured length', bytes: Buffer.concat([encodePcapFileHeader(), encodePcapRecord({ tsUs: 0, data: Buffer.alloc(4) }).fill(0xff, 8, 12)]),
        error: PcapRecordInvalidError, code: 'PCAP_RECORD_INVALID', offset: 24, message: /record 0 at byte 24: declares a captured length of 4294967295 bytes/,
      },
    ];

    it.each(cases)('$name gives $code with the path and offset', async ({ name, bytes, error, code, offset, message }) => {
      for (const chunkSize of [64, 1 << 20]) {
        const path = file(`${name}.bad`, bytes);
        const err = await readError(path, { chunkSize });
        expect(err).toBeInstanceOf(error);
        expect(err.code).toBe(code);
        expect(err.retriable).toBe(false);
        expect(err.path).toBe(path);
        expect(err.offset).toBe(offset);
        expect(err.message).toContain(path);
        expect(err.message).toMatch(message);
      }
    });

    it('yields the good records before a truncated one', async () => {
      const path = file('partial.pcap', good.subarray(0, record2 + 20));
      const seen: number[] = [];
      await expect(async () => {
        for await (const frame of new PcapFileReader(path)) seen.push(frame.index);
      }).rejects.toBeInstanceOf(PcapTruncatedError);
      expect(seen).toEqual([0, 1]);
    });
  });
});
