import type { CaptureFormat } from './capture-frame';

/** Magic numbers as read little-endian from the first four bytes of a file. */
export const PCAP_MAGIC = {
  /** Classic pcap, microsecond timestamps: a1 b2 c3 d4 in file order. */
  microseconds: 0xa1b2c3d4,
  /** Classic pcap, nanosecond timestamps: a1 b2 3c 4d in file order. */
  nanoseconds: 0xa1b23c4d,
  /** pcapng Section Header Block type: 0a 0d 0d 0a (a palindrome, the same in both orders). */
  pcapngSectionHeader: 0x0a0d0d0a,
} as const;

export interface DetectedFormat {
  format: CaptureFormat;
  /** Byte order of classic pcap; pcapng declares its own order in each section header. */
  littleEndian: boolean;
  nanoseconds: boolean;
}

/**
 * Which format the first four bytes announce, or null when they are none we read. Fewer than four
 * bytes: null unless they are a prefix of a known magic, in which case the format is returned and
 * the parser reports the truncation.
 */
export function detectCaptureFormat(first: Buffer): DetectedFormat | null {
  const candidates: [number[], DetectedFormat][] = [
    [[0xd4, 0xc3, 0xb2, 0xa1], { format: 'pcap', littleEndian: true, nanoseconds: false }],
    [[0xa1, 0xb2, 0xc3, 0xd4], { format: 'pcap', littleEndian: false, nanoseconds: false }],
    [[0x4d, 0x3c, 0xb2, 0xa1], { format: 'pcap', littleEndian: true, nanoseconds: true }],
    [[0xa1, 0xb2, 0x3c, 0x4d], { format: 'pcap', littleEndian: false, nanoseconds: true }],
    [[0x0a, 0x0d, 0x0d, 0x0a], { format: 'pcapng', littleEndian: true, nanoseconds: false }],
  ];
  const n = Math.min(4, first.length);
  if (n === 0) return null;
  for (const [magic, format] of candidates) {
    let match = true;
    for (let i = 0; i < n; i++) if (first[i] !== magic[i]) match = false;
    if (match) return format;
  }
  return null;
}
