// Classic libpcap format (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/):
//
//   file header (24 bytes, in the writer's byte order, told by the magic):
//     u32 magic         a1b2c3d4 (µs timestamps) or a1b23c4d (ns timestamps)
//     u16 version_major (2)    u16 version_minor (4)
//     i32 thiszone (0)         u32 sigfigs (0)
//     u32 snaplen              u32 network (LINKTYPE_ in the low 16 bits; FCS flags above)
//   then records, each:
//     u32 ts_sec   u32 ts_frac (µs or ns)   u32 incl_len   u32 orig_len   incl_len bytes of data
import type { CaptureFileInfo, CaptureFrame } from './capture-frame';
import { emptyFrameSlot, frameData, parseFrames, type CaptureFrameSlot, type CaptureParser, type CaptureParserOptions } from './capture.parser';
import { PcapRecordInvalidError, PcapTruncatedError } from './pcap.error';

export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

export class PcapClassicParser implements CaptureParser {
  info: CaptureFileInfo | null = null;
  need = PCAP_FILE_HEADER_LENGTH;
  private littleEndian = true;
  private fracPerUs = 1;
  private linkType = -1;
  private records = 0;
  /** Captured length of the record whose header was read but whose data is not all here yet. */
  private pendingLength = -1;
  /** Where `parse` reads each frame before copying it into a frame object of its own. */
  private readonly slot: CaptureFrameSlot = emptyFrameSlot();

  constructor(private readonly options: CaptureParserOptions) {}

  parse(buf: Buffer, pos: number, end: number, bufOffset: number, out: CaptureFrame[]): number {
    return parseFrames(this, this.slot, buf, pos, end, bufOffset, out);
  }

  readFrame(buf: Buffer, pos: number, end: number, bufOffset: number, into: CaptureFrameSlot): number {
    if (this.info === null) {
      if (end - pos < PCAP_FILE_HEADER_LENGTH) return pos;
      this.readFileHeader(buf, pos);
      pos += PCAP_FILE_HEADER_LENGTH;
    }
    const available = end - pos;
    if (available < PCAP_RECORD_HEADER_LENGTH) {
      this.need = PCAP_RECORD_HEADER_LENGTH;
      this.pendingLength = -1;
      return pos;
    }
    const le = this.littleEndian;
    const capLen = u32(buf, pos + 8, le);
    const max = this.options.maxCaptureLength;
    if (capLen > max) {
      throw new PcapRecordInvalidError(
        this.options.path, bufOffset + pos, this.records,
        `declares a captured length of ${capLen} bytes, more than the ${max}-byte limit (corrupt or misaligned file)`,
      );
    }
    const total = PCAP_RECORD_HEADER_LENGTH + capLen;
    if (available < total) {
      this.need = total;
      this.pendingLength = capLen;
      return pos;
    }
    const sec = u32(buf, pos, le);
    const frac = u32(buf, pos + 4, le);
    into.buffer = buf;
    into.start = pos + PCAP_RECORD_HEADER_LENGTH;
    into.end = pos + total;
    if (!into.lazy) into.data = frameData(buf, pos + PCAP_RECORD_HEADER_LENGTH, pos + total, this.options.copy);
    into.index = this.records++;
    into.tsUs = sec * 1_000_000 + (this.fracPerUs === 1 ? frac : Math.floor(frac / this.fracPerUs));
    into.capturedLength = capLen;
    into.originalLength = u32(buf, pos + 12, le);
    into.linkType = this.linkType;
    into.offset = bufOffset + pos;
    into.interfaceId = 0;
    into.filled = true;
    return pos + total;
  }

  truncated(offset: number, available: number): PcapTruncatedError {
    const path = this.options.path;
    if (this.info === null) {
      return new PcapTruncatedError(path, offset, -1, PCAP_FILE_HEADER_LENGTH, available, 'the pcap file header');
    }
    if (this.pendingLength < 0) {
      return new PcapTruncatedError(path, offset, this.records, PCAP_RECORD_HEADER_LENGTH, available, `the header of record ${this.records}`);
    }
    return new PcapTruncatedError(
      path, offset, this.records, this.pendingLength, Math.max(0, available - PCAP_RECORD_HEADER_LENGTH), `record ${this.records}`,
    );
  }

  private readFileHeader(buf: Buffer, pos: number): void {
    const magicLe = buf.readUInt32LE(pos);
    this.littleEndian = magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d;
    const le = this.littleEndian;
    const magic = le ? magicLe : buf.readUInt32BE(pos);
    const nanoseconds = magic === 0xa1b23c4d;
    this.fracPerUs = nanoseconds ? 1000 : 1;
    const network = le ? buf.readUInt32LE(pos + 20) : buf.readUInt32BE(pos + 20);
    this.linkType = network & 0xffff;
    this.info = {
      format: 'pcap',
      byteOrder: le ? 'LE' : 'BE',
      resolution: nanoseconds ? 'ns' : 'us',
      versionMajor: le ? buf.readUInt16LE(pos + 4) : buf.readUInt16BE(pos + 4),
      versionMinor: le ? buf.readUInt16LE(pos + 6) : buf.readUInt16BE(pos + 6),
      linkType: this.linkType,
      snapLength: le ? buf.readUInt32LE(pos + 16) : buf.readUInt32BE(pos + 16),
    };
    this.need = PCAP_RECORD_HEADER_LENGTH;
  }
}

/** The unsigned 32-bit word at `at` (the caller checked the length): Buffer's readUInt32 validates its argument on every call. */
function u32(buf: Buffer, at: number, le: boolean): number {
  return le
    ? buf[at] + ((buf[at + 1] << 8) | (buf[at + 2] << 16)) + buf[at + 3] * 0x1000000
    : buf[at + 3] + ((buf[at + 2] << 8) | (buf[at + 1] << 16)) + buf[at] * 0x1000000;
}
