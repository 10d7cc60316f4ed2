import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureFrame } from './capture-frame';
import { PcapFileReader, type PcapReadOptions } from './pcap-file.reader';
import { encodePcap, encodePcapFileHeader, encodePcapRecord, type PcapWriteFrame, type PcapWriteOptions } from './pcap-file.writer';
import { PcapRecordInvalidError, PcapTruncatedError } from './pcap.error';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pcap-cursor-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Every frame through `chunks()`, copied out of the cursor (`frame()`), and the data bytes then (a view may be read later). */
async function readCursor(path: string, options?: PcapReadOptions): Promise<{ frames: CaptureFrame[]; chunks: number }> {
  const frames: CaptureFrame[] = [];
  let chunks = 0;
  for await (const chunk of new PcapFileReader(path, options).chunks()) {
    chunks++;
    while (chunk.next()) frames.push({ ...chunk.frame(), data: Buffer.from(chunk.data) });
  }
  return { frames, chunks };
}

async function readFrames(path: string, options?: PcapReadOptions): Promise<CaptureFrame[]> {
  const frames: CaptureFrame[] = [];
  for await (const frame of new PcapFileReader(path, options)) frames.push({ ...frame, data: Buffer.from(frame.data) });
  return frames;
}

// Frames of many sizes, one cut to a snap length (captured < original), one empty.
const frames: PcapWriteFrame[] = Array.from({ length: 60 }, (_, i) => ({
  tsUs: 1_705_312_800_000_000 + i * 987_654_321,
  data: Buffer.alloc(i === 7 ? 0 : 1 + ((i * 53) % 300), i),
  originalLength: i % 6 === 0 ? 1514 : undefined,
}));

describe('PcapFileReader.chunks()', () => {
  const layouts: [string, PcapWriteOptions][] = [
    ['little-endian µs', { byteOrder: 'LE' }],
    ['big-endian µs', { byteOrder: 'BE' }],
    ['little-endian ns', { byteOrder: 'LE', nanoseconds: true }],
    ['big-endian ns, raw IP, snaplen 96', { byteOrder: 'BE', nanoseconds: true, linkType: 101, snapLength: 96 }],
  ];
  // 64: smaller than most records (the chunk grows to fit one); 333: records cut at every place; 1 MiB: one chunk.
  const chunkSizes = [64, 100, 333, 1 << 20];

  it.each(layouts.flatMap(([name, opts]) => chunkSizes.map((chunk) => [name, chunk, opts] as const)))(
    'gives the frames of a %s file with %d-byte chunks as the frame iterator does',
    async (name, chunkSize, opts) => {
      const path = file(`${name}-${chunkSize}.pcap`, encodePcap(frames, opts));
      const { frames: read, chunks } = await readCursor(path, { chunkSize });
      expect(read).toEqual(await readFrames(path, { chunkSize }));
      expect(read.map((f) => [f.index, f.tsUs, f.capturedLength, f.originalLength, f.linkType])).toEqual(
        frames.map((f, i) => [i, f.tsUs, f.data.length, f.originalLength ?? f.data.length, opts.linkType ?? 1]),
      );
      read.forEach((f, i) => expect(f.data.equals(frames[i].data)).toBe(true));
      if (chunkSize < 1000) expect(chunks).toBeGreaterThan(5);
    },
  );

  it('reuses one cursor and keeps its views valid after later chunks are read', async () => {
    const path = file('views.pcap', encodePcap(frames));
    const cursors = new Set<object>();
    const views: Buffer[] = [];
    for await (const chunk of new PcapFileReader(path, { chunkSize: 100 }).chunks()) {
      cursors.add(chunk);
      while (chunk.next()) views.push(chunk.data);
    }
    expect(cursors.size).toBe(1);
    views.forEach((view, i) => expect(view.equals(frames[i].data)).toBe(true));
  });

  it('skips the frames a loop leaves unread in a chunk, and reads on at the next', async () => {
    const path = file('skip.pcap', encodePcap(frames));
    const seen: number[] = [];
    let total = 0;
    for await (const chunk of new PcapFileReader(path, { chunkSize: 2048 }).chunks()) {
      if (chunk.next()) seen.push(chunk.index);
      total++;
    }
    expect(seen.length).toBe(total);
    expect(seen[0]).toBe(0);
    expect(seen.every((index, i) => i === 0 || index > seen[i - 1] + 1)).toBe(true);
  });

  it.each([false, true])('copies the data out of the 1 MiB read chunk when asked to (copy: %s)', async (copy) => {
    const path = file('copy.pcap', encodePcap(frames));
    const outside: boolean[] = [];
    for await (const chunk of new PcapFileReader(path, { copy }).chunks()) {
      while (chunk.next()) if (chunk.capturedLength > 0) outside.push(chunk.data.buffer.byteLength < 1 << 20);
    }
    expect(outside).toEqual(frames.filter((f) => f.data.length > 0).map(() => copy));
    expect((await readCursor(path, { copy: true })).frames).toEqual(await readFrames(path));
  });

  describe('bad input', () => {
    const good = encodePcap(frames.slice(0, 3));
    const record2 = 24 + 16 + frames[0].data.length + 16 + frames[1].data.length;
    const cases = [
      { name: 'a cut record header', bytes: good.subarray(0, record2 + 7), error: PcapTruncatedError, offset: record2, message: /the header of record 2 at byte \d+ declares 16 bytes but only 7 remain/ },
      { name: 'cut record data', bytes: good.subarray(0, record2 + 16 + 5), error: PcapTruncatedError, offset: record2, message: /record 2 at byte \d+ declares \d+ bytes but only 5 remain/ },
      {
        name: 'an absurd captured length', error: PcapRecordInvalidError, offset: record2, message: /declares a captured length of 4294967295 bytes/,
        bytes: Buffer.concat([good.subarray(0, record2), encodePcapRecord({ tsUs: 0, data: Buffer.alloc(4) }).fill(0xff, 8, 12)]),
      },
    ];

    it.each(cases.flatMap((c) => [64, 1 << 20].map((chunkSize) => ({ ...c, chunkSize }))))(
      '$name throws from next() after the frames before it ($chunkSize-byte chunks)',
      async ({ name, bytes, error, offset, message, chunkSize }) => {
        const path = file(`${name}.bad`, bytes);
        const seen: number[] = [];
        let thrown: unknown = null;
        try {
          for await (const chunk of new PcapFileReader(path, { chunkSize }).chunks()) while (chunk.next()) seen.push(chunk.index);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(error);
        expect((thrown as PcapTruncatedError).offset).toBe(offset);
        expect((thrown as Error).message).toMatch(message);
        expect(seen).toEqual([0, 1]);
      },
    );

    it('reads a file with a header and no records', async () => {
      expect((await readCursor(file('empty.pcap', encodePcapFileHeader()))).frames).toEqual([]);
    });
  });
});

describe('CaptureFrameCursor buffer / start / end (frames in place in the chunk)', () => {
  it.each([
    ['views', false, 64],
    ['views', false, 1 << 20],
    ['copies', true, 100],
    ['copies', true, 1 << 20],
  ] as const)('hold every frame\'s bytes; data (%s) made when read, chunk size %d', async (_name, copy, chunkSize) => {
    const path = file(`in-place-${copy}-${chunkSize}.pcap`, encodePcap(frames));
    const expected = await readFrames(path, { chunkSize });
    let i = 0;
    for await (const chunk of new PcapFileReader(path, { chunkSize, copy }).chunks()) {
      while (chunk.next()) {
        const want = expected[i++].data;
        expect(chunk.end - chunk.start).toBe(chunk.capturedLength);
        expect(chunk.buffer.subarray(chunk.start, chunk.end).equals(want)).toBe(true);
        const data = chunk.data;
        expect(data.equals(want)).toBe(true);
        // One Buffer per frame at most, and a copy of its own only with `copy`.
        expect(chunk.data).toBe(data);
        if (data.length > 0) {
          chunk.buffer[chunk.start] ^= 0xff;
          expect(data[0] === want[0]).toBe(copy);
          chunk.buffer[chunk.start] ^= 0xff;
        }
      }
    }
    expect(i).toBe(frames.length);
  });
});

describe('PcapFileReader reuseChunks', () => {
  it.each([64, 100, 333, 1 << 20])('gives the same frames (read before the next chunk) from two buffers in turn, chunk size %d', async (chunkSize) => {
    const path = file(`reuse-${chunkSize}.pcap`, encodePcap(frames));
    const { frames: read, chunks } = await readCursor(path, { chunkSize, reuseChunks: true });
    expect(read).toEqual(await readFrames(path, { chunkSize }));
    const buffers = new Set<Buffer>();
    for await (const chunk of new PcapFileReader(path, { chunkSize, reuseChunks: true }).chunks()) {
      if (chunk.next()) buffers.add(chunk.buffer);
    }
    // A fresh buffer for the first two chunks and for a frame larger than the chunk, else one of those.
    if (chunkSize === 1 << 20) expect(chunks).toBe(1);
    else expect(buffers.size).toBeLessThan(chunks / 2);
  });
});
