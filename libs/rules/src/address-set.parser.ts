import { compileListExpression, parseListExpression } from './list-expression.parser';
import { RuleOptionInvalidError } from './rule-parse.errors';
import type { AddressSet } from './rule.types';
import type { RuleVariables } from './rule-variables';

/** An address as 16 bytes (IPv4 as ::ffff:a.b.c.d) so one prefix compare serves both families. */
export function ipToBytes(ip: string): Uint8Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    for (let i = 0; i < 4; i++) {
      const n = Number(v4[i + 1]);
      if (n > 255) return null;
      out[12 + i] = n;
    }
    return out;
  }
  if (!ip.includes(':')) return null;
  let head = ip;
  let tailV4: Uint8Array | null = null;
  const lastColon = ip.lastIndexOf(':');
  if (ip.slice(lastColon + 1).includes('.')) {
    tailV4 = ipToBytes(ip.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : -1));
    return groups.includes(-1) ? null : groups;
  };
  const left = parseGroups(halves[0]);
  const right = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (left === null || right === null) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tailV4) out.set(tailV4.subarray(12), 12);
  return out;
}

function prefixMatches(net: Uint8Array, bits: number, ip: Uint8Array): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (net[i] !== ip[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (net[i] & mask) === (ip[i] & mask);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function compileAtom(text: string, whole: string): (ip: Uint8Array) => boolean {
  const fail = (detail: string): never => {
    throw new RuleOptionInvalidError('address', whole, detail);
  };
  if (text === 'any') return () => true;
  const range = /^([^-/]+)-([^-/]+)$/.exec(text);
  if (range) {
    const lo = ipToBytes(range[1]);
    const hi = ipToBytes(range[2]);
    if (lo === null || hi === null || compareBytes(lo, hi) > 0) return fail(`bad range '${text}'`);
    return (ip) => compareBytes(lo, ip) <= 0 && compareBytes(ip, hi) <= 0;
  }
  const [addr, prefix, ...rest] = text.split('/');
  const net = ipToBytes(addr);
  if (net === null || rest.length > 0) return fail(`bad address '${text}'`);
  const isV4 = !addr.includes(':');
  let bits = 128;
  if (prefix !== undefined) {
    if (/^\d{1,3}$/.test(prefix)) {
      bits = Number(prefix) + (isV4 ? 96 : 0);
      if (bits > 128) fail(`bad prefix length '${text}'`);
    } else if (isV4 && ipToBytes(prefix) !== null) {
      // Netmask form 10.0.0.0/255.0.0.0: count the leading ones, refuse holes.
      const mask = (ipToBytes(prefix) as Uint8Array).subarray(12);
      const n = ((mask[0] << 24) | (mask[1] << 16) | (mask[2] << 8) | mask[3]) >>> 0;
      const ones = n.toString(2).replace(/0+$/, '');
      if (n !== 0 && ones.includes('0')) fail(`non-contiguous netmask '${text}'`);
      bits = 96 + (n === 0 ? 0 : ones.length);
    } else fail(`bad prefix '${text}'`);
  }
  return (ip) => prefixMatches(net, bits, ip);
}

// The engine asks every candidate rule about the same src and dst of one packet: remembering the
// last two parsed addresses saves re-parsing them per rule.
const recent: Array<{ ip: string; bytes: Uint8Array | null }> = [
  { ip: '', bytes: null },
  { ip: '', bytes: null },
];
let recentNext = 0;

function cachedIpBytes(ip: string): Uint8Array | null {
  if (recent[0].ip === ip) return recent[0].bytes;
  if (recent[1].ip === ip) return recent[1].bytes;
  const bytes = ipToBytes(ip);
  recent[recentNext] = { ip, bytes };
  recentNext ^= 1;
  return bytes;
}

export function parseAddressSet(text: string, vars: RuleVariables): AddressSet {
  const expr = parseListExpression(text, vars, 'address');
  // `!any` is the one empty set Suricata refuses outright; narrower empty sets are the author's call.
  if (expr.kind === 'not' && expr.inner.kind === 'atom' && expr.inner.text === 'any') {
    throw new RuleOptionInvalidError('address', text, 'matches no address');
  }
  const matcher = compileListExpression<Uint8Array>(expr, (atom) => compileAtom(atom, text));
  return {
    text,
    matches(ip: string): boolean {
      const bytes = cachedIpBytes(ip);
      return bytes !== null && matcher(bytes);
    },
  };
}
