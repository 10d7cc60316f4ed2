/**
 * What `cap` says about a frame's link layer, in the numbers the rest of the system uses.
 *
 * `cap` returns a name for the data link type libpcap reports (a DLT_ value), not the number.
 * DLT_ and LINKTYPE_ values agree except for a few historical ones (DLT_RAW is 12 on Linux,
 * 14 on some BSDs; LINKTYPE_RAW is 101), which are mapped here.
 */
const CAP_LINK_TYPES: Record<string, number> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
};

const DLT_TO_LINKTYPE: Record<number, number> = { 12: 101, 14: 101, 15: 102, 16: 103 };

/** The snap length `cap` opens libpcap with (fixed in its binding): no frame is longer than this. */
export const CAP_SNAPLEN = 65535;

/** The LINKTYPE_ value of a link type string returned by `Cap#open`, or null when it is not one. */
export function linkTypeOfCap(name: string): number | null {
  if (name in CAP_LINK_TYPES) return CAP_LINK_TYPES[name];
  const unknown = /^Unknown linktype (\d+)$/.exec(name);
  if (!unknown) return null;
  const dlt = Number(unknown[1]);
  return DLT_TO_LINKTYPE[dlt] ?? dlt;
}

const VLAN_ETHER_TYPES = new Set([0x8100, 0x88a8, 0x9100]);

/**
 * The length of a frame on the wire as its IP header declares it (link header + IPv4 total
 * length, or + 40 + IPv6 payload length), or null when the frame is not IP or too short to say.
 *
 * `cap` does not report a frame's wire length, only the bytes it copied and whether that cut the
 * frame: for a cut frame this recovers the length the flows and statistics need.
 */
export function wireLengthFromHeaders(linkType: number, data: Buffer, length = data.length): number | null {
  let ip: number;
  let etherType = -1;
  if (linkType === 1) {
    let at = 12;
    if (length < at + 2) return null;
    etherType = data.readUInt16BE(at);
    while (VLAN_ETHER_TYPES.has(etherType) && length >= at + 6) {
      at += 4;
      etherType = data.readUInt16BE(at);
    }
    ip = at + 2;
  } else if (linkType === 113) {
    if (length < 16) return null;
    etherType = data.readUInt16BE(14);
    ip = 16;
  } else if (linkType === 101) {
    ip = 0;
  } else if (linkType === 0) {
    ip = 4;
  } else {
    return null;
  }
  if (length < ip + 6) return null;
  const version = data[ip] >> 4;
  if (version === 4 && (etherType === -1 || etherType === 0x0800)) {
    const total = data.readUInt16BE(ip + 2);
    return total >= 20 ? ip + total : null;
  }
  if (version === 6 && (etherType === -1 || etherType === 0x86dd)) {
    const payload = data.readUInt16BE(ip + 4);
    return payload > 0 ? ip + 40 + payload : null; // 0: a jumbogram, length in an option
  }
  return null;
}
