/**
 * Errors for capture files. Every one names the file and the byte offset where reading failed,
 * and none is retriable: reading the same bytes again gives the same answer.
 */
export abstract class PcapFileError extends Error {
  abstract readonly code: string;
  readonly retriable = false;
  constructor(
    readonly path: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = new.target.name;
  }
}

/** The file has no bytes at all. */
export class PcapEmptyFileError extends PcapFileError {
  readonly code = 'PCAP_EMPTY_FILE';
  constructor(path: string) {
    super(path, 0, 'empty file (0 bytes): not a capture');
  }
}

/** The first bytes are not a magic number of a format we read. */
export class PcapBadMagicError extends PcapFileError {
  readonly code = 'PCAP_BAD_MAGIC';
  constructor(
    path: string,
    readonly firstBytes: Buffer,
  ) {
    super(path, 0, `not a pcap or pcapng capture: unknown magic at byte 0 (first bytes: ${describeBytes(firstBytes)})`);
  }
}

/** The file ends inside a header or a record. */
export class PcapTruncatedError extends PcapFileError {
  readonly code = 'PCAP_TRUNCATED';
  constructor(
    path: string,
    offset: number,
    /** 0-based number of the record (or pcapng block) that is cut short; -1 for the file header. */
    readonly record: number,
    readonly needed: number,
    readonly available: number,
    what: string,
  ) {
    super(path, offset, `truncated: ${what} at byte ${offset} declares ${needed} bytes but only ${available} remain`);
  }
}

/** A record or block declares a length no sane capture has (a corrupt or misaligned file). */
export class PcapRecordInvalidError extends PcapFileError {
  readonly code = 'PCAP_RECORD_INVALID';
  constructor(
    path: string,
    offset: number,
    readonly record: number,
    reason: string,
  ) {
    super(path, offset, `record ${record} at byte ${offset}: ${reason}`);
  }
}

/** Hex and printable ASCII of a few bytes, for messages: `48 65 6c 6c 6f ("Hello")`. */
export function describeBytes(bytes: Buffer): string {
  const shown = bytes.subarray(0, 8);
  const hex = [...shown].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const ascii = [...shown].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${hex} ("${ascii}")`;
}
