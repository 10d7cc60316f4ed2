import { open, type FileHandle } from 'node:fs/promises';
import { PCAP_FILE_HEADER_LENGTH, PCAP_RECORD_HEADER_LENGTH } from './pcap-classic.parser';

export interface PcapWriteOptions {
  /** LINKTYPE_ of every frame. Default 1 (Ethernet). */
  linkType?: number;
  /** Snap length written in the file header. Default 262144. */
  snapLength?: number;
  /** Write nanosecond timestamps (magic a1b23c4d). Default false (microseconds). */
  nanoseconds?: boolean;
  /** Default 'LE'. */
  byteOrder?: 'LE' | 'BE';
}

/** A frame to write. `originalLength` defaults to `data.length`. */
export interface PcapWriteFrame {
  tsUs: number;
  data: Buffer;
  originalLength?: number;
}

/** The 24-byte classic pcap file header (version 2.4). */
export function encodePcapFileHeader(options: PcapWriteOptions = {}): Buffer {
  const le = (options.byteOrder ?? 'LE') === 'LE';
  const header = Buffer.alloc(PCAP_FILE_HEADER_LENGTH);
  const u32 = (v: number, at: number) => (le ? header.writeUInt32LE(v, at) : header.writeUInt32BE(v, at));
  const u16 = (v: number, at: number) => (le ? header.writeUInt16LE(v, at) : header.writeUInt16BE(v, at));
  u32(options.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(2, 4);
  u16(4, 6);
  u32(0, 8);
  u32(0, 12);
  u32(options.snapLength ?? 262144, 16);
  u32(options.linkType ?? 1, 20);
  return header;
}

/** One record: 16-byte header then the frame bytes. */
export function encodePcapRecord(frame: PcapWriteFrame, options: PcapWriteOptions = {}): Buffer {
  const le = (options.byteOrder ?? 'LE') === 'LE';
  const record = Buffer.alloc(PCAP_RECORD_HEADER_LENGTH + frame.data.length);
  const u32 = (v: number, at: number) => (le ? record.writeUInt32LE(v, at) : record.writeUInt32BE(v, at));
  const sec = Math.floor(frame.tsUs / 1_000_000);
  const us = frame.tsUs - sec * 1_000_000;
  u32(sec, 0);
  u32(options.nanoseconds ? us * 1000 : us, 4);
  u32(frame.data.length, 8);
  u32(frame.originalLength ?? frame.data.length, 12);
  frame.data.copy(record, PCAP_RECORD_HEADER_LENGTH);
  return record;
}

/** A whole classic pcap file in memory (fixtures, tests). */
export function encodePcap(frames: Iterable<PcapWriteFrame>, options: PcapWriteOptions = {}): Buffer {
  const parts = [encodePcapFileHeader(options)];
  for (const frame of frames) parts.push(encodePcapRecord(frame, options));
  return Buffer.concat(parts);
}

/** Writes a classic pcap file frame by frame. */
export class PcapFileWriter {
  private constructor(
    private readonly handle: FileHandle,
    private readonly options: PcapWriteOptions,
  ) {}

  /** Creates (or truncates) `path` and writes the file header. */
  static async create(path: string, options: PcapWriteOptions = {}): Promise<PcapFileWriter> {
    const handle = await open(path, 'w');
    await handle.write(encodePcapFileHeader(options));
    return new PcapFileWriter(handle, options);
  }

  async write(frame: PcapWriteFrame): Promise<void> {
    await this.handle.write(encodePcapRecord(frame, this.options));
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
