// IPv4 options (RFC 791 3.1), between the 20-byte fixed header and IHL*4:
//   type 0 end of list | type 1 no-op | otherwise u8 type | u8 length (>= 2, type and length included) | data
// Nothing in them is exposed: IHL alone says where the transport starts. They are walked only to
// flag a list that does not parse (`ipOptionsMalformed`), which a crafted packet may carry; the
// packet is kept.

/** True when the options in `frame[start, end)` (inside the captured header) do not parse. */
export function ipv4OptionsMalformed(frame: Buffer, start: number, end: number): boolean {
  let at = start;
  while (at < end) {
    const type = frame[at];
    if (type === 0) return false;
    if (type === 1) {
      at++;
      continue;
    }
    if (at + 1 >= end) return true;
    const length = frame[at + 1];
    if (length < 2 || at + length > end) return true;
    at += length;
  }
  return false;
}
