// Big-endian reads without Buffer's argument validation: decoders check lengths first, and these
// are the hottest lines of the capture path.

export function u16(frame: Buffer, offset: number): number {
  return (frame[offset] << 8) | frame[offset + 1];
}

export function u32(frame: Buffer, offset: number): number {
  return frame[offset] * 0x1000000 + ((frame[offset + 1] << 16) | (frame[offset + 2] << 8) | frame[offset + 3]);
}
