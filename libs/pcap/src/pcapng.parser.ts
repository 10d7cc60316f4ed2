// pcapng (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/). Every block is
//
//   u32 block_type   u32 block_total_length   body   u32 block_total_length   (lengths: multiple of 4)
//
// in the byte order its section declares. Blocks read here:
//   SHB 0x0a0d0d0a  u32 byte_order_magic 1a2b3c4d, u16 major, u16 minor, i64 section_length, options
//   IDB 0x00000001  u16 link_type, u16 reserved, u32 snap_len, options (if_tsresol 9, if_tsoffset 14)
//   EPB 0x00000006  u32 interface_id, u32 ts_high, u32 ts_low, u32 cap_len, u32 orig_len, data (padded to 4), options
//   SPB 0x00000003  u32 orig_len, data (interface 0; cap_len = min(orig_len, snap_len, room in block))
//   PB  0x00000002  u16 interface_id, u16 drops, u32 ts_high, u32 ts_low, u32 cap_len, u32 orig_len, data (obsolete)
// Every other block (name resolution, statistics, secrets, custom) is skipped.
// Options: u16 code, u16 length, value padded to 4; code 0 ends the list.
import type { CaptureFileInfo, CaptureFrame } from './capture-frame';
import { emptyFrameSlot, frameData, parseFrames, type CaptureFrameSlot, type CaptureParser, type CaptureParserOptions } from './capture.parser';
import { PcapRecordInvalidError, PcapTruncatedError } from './pcap.error';

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_PB = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;
/** Blocks other than packets (secrets, name tables) may be large, but not without bound. */
const MAX_OTHER_BLOCK = 16 * 1024 * 1024;

interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  offsetSeconds: number;
}

export class PcapngParser implements CaptureParser {
  info: CaptureFileInfo | null = null;
  need = 12;
  private littleEndian = true;
  private interfaces: PcapngInterface[] = [];
  private blocks = 0;
  private frames = 0;
  private pendingLength = -1;
  /** Where `parse` reads each frame before copying it into a frame object of its own. */
  private readonly slot: CaptureFrameSlot = emptyFrameSlot();

  constructor(private readonly options: CaptureParserOptions) {}

  parse(buf: Buffer, pos: number, end: number, bufOffset: number, out: CaptureFrame[]): number {
    return parseFrames(this, this.slot, buf, pos, end, bufOffset, out);
  }

  readFrame(buf: Buffer, pos: number, end: number, bufOffset: number, into: CaptureFrameSlot): number {
    for (;;) {
      const available = end - pos;
      this.pendingLength = -1;
      if (available < 8) {
        this.need = 12;
        return pos;
      }
      const type = this.littleEndian ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      if (type === BLOCK_SHB) {
        if (available < 12) {
          this.need = 12;
          return pos;
        }
        const magicLe = buf.readUInt32LE(pos + 8);
        if (magicLe === BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (buf.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) this.littleEndian = false;
        else this.invalid(bufOffset + pos, `section header has byte-order magic 0x${magicLe.toString(16)}, not 0x1a2b3c4d`);
      }
      const le = this.littleEndian;
      const length = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      const limit = type === BLOCK_EPB || type === BLOCK_SPB || type === BLOCK_PB ? this.options.maxCaptureLength + 256 : MAX_OTHER_BLOCK;
      if (length < 12 || length % 4 !== 0 || length > limit) {
        this.invalid(bufOffset + pos, `block of type 0x${type.toString(16)} declares a length of ${length} bytes (must be a multiple of 4 between 12 and ${limit})`);
      }
      if (available < length) {
        this.need = length;
        this.pendingLength = length;
        return pos;
      }
      const offset = bufOffset + pos;
      switch (type) {
        case BLOCK_SHB: this.readSectionHeader(buf, pos, length, offset); break;
        case BLOCK_IDB: this.readInterface(buf, pos, length, offset); break;
        case BLOCK_EPB: this.readEnhancedPacket(buf, pos, length, offset, 4, into); break;
        case BLOCK_PB: this.readEnhancedPacket(buf, pos, length, offset, 2, into); break;
        case BLOCK_SPB: this.readSimplePacket(buf, pos, length, offset, into); break;
        default: break;
      }
      if (this.info === null) this.invalid(offset, 'the first block is not a section header block');
      this.blocks++;
      pos += length;
      if (into.filled) return pos;
    }
  }

  truncated(offset: number, available: number): PcapTruncatedError {
    const what = this.info === null ? 'the pcapng section header block' : `block ${this.blocks}`;
    if (this.pendingLength < 0) return new PcapTruncatedError(this.options.path, offset, this.blocks, 12, available, `the header of ${what}`);
    return new PcapTruncatedError(this.options.path, offset, this.blocks, this.pendingLength, available, what);
  }

  private u16(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }

  private u32(buf: Buffer, at: number): number {
    return this.littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }

  private invalid(offset: number, reason: string): never {
    throw new PcapRecordInvalidError(this.options.path, offset, this.blocks, reason);
  }

  private readSectionHeader(buf: Buffer, pos: number, length: number, offset: number): void {
    if (length < 28) this.invalid(offset, `section header block of ${length} bytes is shorter than 28`);
    this.interfaces = [];
    if (this.info === null) {
      this.info = {
        format: 'pcapng',
        byteOrder: this.littleEndian ? 'LE' : 'BE',
        resolution: 'us',
        versionMajor: this.u16(buf, pos + 12),
        versionMinor: this.u16(buf, pos + 14),
        linkType: -1,
        snapLength: 0,
      };
    }
  }

  private readInterface(buf: Buffer, pos: number, length: number, offset: number): void {
    if (length < 20) this.invalid(offset, `interface description block of ${length} bytes is shorter than 20`);
    const iface: PcapngInterface = {
      linkType: this.u16(buf, pos + 8),
      snapLength: this.u32(buf, pos + 12),
      unitsPerSecond: 1_000_000,
      offsetSeconds: 0,
    };
    const optionsEnd = pos + length - 4;
    for (let at = pos + 16; at + 4 <= optionsEnd;) {
      const code = this.u16(buf, at);
      const len = this.u16(buf, at + 2);
      if (code === 0 || at + 4 + len > optionsEnd) break;
      if (code === OPTION_IF_TSRESOL && len >= 1) {
        const v = buf[at + 4];
        iface.unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === OPTION_IF_TSOFFSET && len >= 8) {
        iface.offsetSeconds = Number(this.littleEndian ? buf.readBigInt64LE(at + 4) : buf.readBigInt64BE(at + 4));
      }
      at += 4 + ((len + 3) & ~3);
    }
    if (this.interfaces.length === 0 && this.info !== null && this.info.linkType === -1) {
      const res = iface.unitsPerSecond === 1e6 ? 'us' : iface.unitsPerSecond === 1e9 ? 'ns' : 'other';
      this.info = { ...this.info, linkType: iface.linkType, snapLength: iface.snapLength, resolution: res };
    }
    this.interfaces.push(iface);
  }

  private interfaceFor(id: number, offset: number): PcapngInterface {
    const iface = this.interfaces[id];
    if (iface === undefined) this.invalid(offset, `packet refers to interface ${id} but the section declares ${this.interfaces.length}`);
    return iface;
  }

  /** EPB (interface id: u32 at +8) and the obsolete PB (u16 at +8); both put the timestamp at +12. */
  private readEnhancedPacket(buf: Buffer, pos: number, length: number, offset: number, idWidth: 2 | 4, into: CaptureFrameSlot): void {
    if (length < 32) this.invalid(offset, `packet block of ${length} bytes is shorter than 32`);
    const id = idWidth === 4 ? this.u32(buf, pos + 8) : this.u16(buf, pos + 8);
    const iface = this.interfaceFor(id, offset);
    const capLen = this.u32(buf, pos + 20);
    if (capLen > this.options.maxCaptureLength) {
      this.invalid(offset, `declares a captured length of ${capLen} bytes, more than the ${this.options.maxCaptureLength}-byte limit`);
    }
    if (28 + capLen > length - 4) this.invalid(offset, `declares a captured length of ${capLen} bytes but the block holds only ${length - 32}`);
    into.buffer = buf;
    into.start = pos + 28;
    into.end = pos + 28 + capLen;
    if (!into.lazy) into.data = frameData(buf, pos + 28, pos + 28 + capLen, this.options.copy);
    into.index = this.frames++;
    into.tsUs = toMicroseconds(this.u32(buf, pos + 12), this.u32(buf, pos + 16), iface);
    into.capturedLength = capLen;
    into.originalLength = this.u32(buf, pos + 24);
    into.linkType = iface.linkType;
    into.offset = offset;
    into.interfaceId = id;
    into.filled = true;
  }

  private readSimplePacket(buf: Buffer, pos: number, length: number, offset: number, into: CaptureFrameSlot): void {
    if (length < 16) this.invalid(offset, `simple packet block of ${length} bytes is shorter than 16`);
    const iface = this.interfaceFor(0, offset);
    const origLen = this.u32(buf, pos + 8);
    let capLen = Math.min(origLen, length - 16);
    if (iface.snapLength > 0) capLen = Math.min(capLen, iface.snapLength);
    into.buffer = buf;
    into.start = pos + 12;
    into.end = pos + 12 + capLen;
    if (!into.lazy) into.data = frameData(buf, pos + 12, pos + 12 + capLen, this.options.copy);
    into.index = this.frames++;
    into.tsUs = 0;
    into.capturedLength = capLen;
    into.originalLength = origLen;
    into.linkType = iface.linkType;
    into.offset = offset;
    into.interfaceId = 0;
    into.filled = true;
  }
}

function toMicroseconds(high: number, low: number, iface: PcapngInterface): number {
  const offsetUs = iface.offsetSeconds * 1_000_000;
  if (iface.unitsPerSecond === 1_000_000) return high * 4294967296 + low + offsetUs;
  const units = (BigInt(high) << 32n) | BigInt(low);
  return Number((units * 1_000_000n) / BigInt(iface.unitsPerSecond)) + offsetUs;
}
