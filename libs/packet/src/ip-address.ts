// Address text and ordering, straight from the frame bytes.

const DECIMAL = Array.from({ length: 256 }, (_, i) => String(i));

/** Dotted-quad text of the IPv4 address at `offset`. */
export function formatIpv4(frame: Buffer, offset: number): string {
  return DECIMAL[frame[offset]] + '.' + DECIMAL[frame[offset + 1]] + '.' + DECIMAL[frame[offset + 2]] + '.' + DECIMAL[frame[offset + 3]];
}

/**
 * RFC 5952 text of the IPv6 address at `offset`: lower-case hex without leading zeros, the
 * longest run (the first of equal runs) of two or more zero groups as `::`, and IPv4-mapped
 * addresses as `::ffff:a.b.c.d`.
 */
export function formatIpv6(frame: Buffer, offset: number): string {
  const g0 = (frame[offset] << 8) | frame[offset + 1];
  const g1 = (frame[offset + 2] << 8) | frame[offset + 3];
  const g2 = (frame[offset + 4] << 8) | frame[offset + 5];
  const g3 = (frame[offset + 6] << 8) | frame[offset + 7];
  const g4 = (frame[offset + 8] << 8) | frame[offset + 9];
  const g5 = (frame[offset + 10] << 8) | frame[offset + 11];
  const g6 = (frame[offset + 12] << 8) | frame[offset + 13];
  const g7 = (frame[offset + 14] << 8) | frame[offset + 15];
  const groups = [g0, g1, g2, g3, g4, g5, g6, g7];
  // The longest run of zero groups (the first of equal runs), if at least two long.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart === 0 && bestLength === 5 && g5 === 0xffff) return '::ffff:' + formatIpv4(frame, offset + 12);
  if (bestStart < 0) return HEX(g0) + ':' + HEX(g1) + ':' + HEX(g2) + ':' + HEX(g3) + ':' + HEX(g4) + ':' + HEX(g5) + ':' + HEX(g6) + ':' + HEX(g7);
  let text = '';
  for (let i = 0; i < bestStart; i++) text += HEX(groups[i]) + ':';
  if (bestStart === 0) text = ':';
  text += ':';
  for (let i = bestStart + bestLength; i < 8; i++) text += (i === bestStart + bestLength ? '' : ':') + HEX(groups[i]);
  return text;
}

const HEX = (group: number): string => group.toString(16);

/** Sign of comparing `length` address bytes at `a` and at `b`, unsigned, first byte most significant. */
export function compareAddressBytes(frame: Buffer, a: number, b: number, length: number): -1 | 0 | 1 {
  for (let i = 0; i < length; i++) {
    const x = frame[a + i];
    const y = frame[b + i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
