// The benchmark capture: a large, deterministic classic pcap with what a busy uplink carries.
//
//   TCP web-like   handshake, 1-3 request/response rounds (heavy-tailed sizes, a few bulk
//                  transfers of up to 1 MB), keep-alive quiet, FIN from either side: SF
//   TCP failures   SYN retransmitted, no answer (S0); SYN answered by RST (REJ); request then RST (RSTO)
//   UDP            DNS query and response (a few unanswered), one-way NTP and syslog
//   ICMP           echo request/reply (1-4 pairs, 1 s apart), port unreachable
//   5 % of it over IPv6.
//
// How, fast: a pool of conversation *templates* is scripted once with the fixture builders of
// test/fixtures (TcpConversation, udpPacket, icmpPacket, ...: correct lengths and checksums)
// and encoded with encodePcapRecord. Each conversation of the file is a template played at its
// own start time with its own client (address, MAC, port) and, except for DNS, its own server
// address: the record bytes are copied into the output chunk and those fields patched, with the
// IPv4 header and transport checksums updated incrementally (RFC 1624). A heap merges the
// overlapping conversations into one time-ordered file. (ICMP unreachable messages quote the
// template's probe header, not the patched one; nothing reads the quote.)
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodePcapFileHeader, encodePcapRecord } from '@ids/pcap';
import { DNS_TYPE, dnsQuery, dnsResponse } from '../fixtures/dns-message.builder';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, addressBytes, ethernetFrame, icmpPacket, udpPacket, type IpSpec } from '../fixtures/frame.builder';
import { TcpConversation, type Host, type TimedFrame } from '../fixtures/tcp-conversation.builder';

/** Bump when the bytes the generator writes for given options change: the cached file is then rebuilt. */
export const BENCH_CAPTURE_GENERATOR_VERSION = 3;

export interface BenchCaptureOptions {
  /** The file is at least this many bytes (it ends with the conversations already started). */
  targetBytes: number;
  /** PRNG seed. Default 20240301. */
  seed?: number;
  /** Time of the first conversation. Default 2024-03-01T12:00:00Z. */
  startUs?: number;
  /** New conversations per second of capture time. Default 2500. */
  conversationsPerSecond?: number;
  /** Distinct conversation scripts the file is played from. Default 4096. */
  templates?: number;
}

export type ConversationKind = 'tcp-web' | 'tcp-s0' | 'tcp-rej' | 'tcp-rsto' | 'udp-dns' | 'udp-dns-unanswered' | 'udp-oneway' | 'icmp-echo' | 'icmp-unreachable';

export interface BenchCaptureStats {
  bytes: number;
  frames: number;
  conversations: number;
  byKind: Record<ConversationKind, number>;
  firstTsUs: number;
  lastTsUs: number;
}

export const BENCH_CAPTURE_DEFAULTS = { seed: 20240301, startUs: 1_709_294_400_000_000, conversationsPerSecond: 2500, templates: 4096 } as const;

/** Probability of each conversation kind (they add up to 1). */
const KIND_WEIGHTS: [ConversationKind, number][] = [
  ['tcp-web', 0.34],
  ['tcp-s0', 0.03],
  ['tcp-rej', 0.03],
  ['tcp-rsto', 0.02],
  ['udp-dns', 0.43],
  ['udp-dns-unanswered', 0.02],
  ['udp-oneway', 0.07],
  ['icmp-echo', 0.05],
  ['icmp-unreachable', 0.01],
];

const CLIENTS = 60_000;
const SERVERS = 5_000;
const RESOLVERS = 8;
const GATEWAY_MAC = '00:1a:2b:3c:4d:01';
const POOL_BYTES = 4 * 1024 * 1024;
const ms = 1000;
const s = 1_000_000;

const DOMAINS = ['example.com', 'www.example.org', 'cdn.jsdelivr.net', 'api.github.com', 'fonts.gstatic.com', 'login.microsoftonline.com', 'www.wikipedia.org', 'update.debian.org', 's3.amazonaws.com', 'time.cloudflare.com', 'registry.npmjs.org', 'mail.example.net'];
const SERVER_PORTS: [number, number][] = [[443, 0.6], [80, 0.25], [8080, 0.05], [22, 0.04], [25, 0.02], [3306, 0.02], [5432, 0.02]];

/** mulberry32: a small seeded PRNG, the same numbers on every run. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from weighted choices that add up to 1. */
function pick<T>(random: () => number, choices: [T, number][]): T {
  let u = random();
  for (const [value, weight] of choices) {
    if (u < weight) return value;
    u -= weight;
  }
  return choices[choices.length - 1][0];
}

/** Log-uniform integer in [lo, hi]: many small, a few large. */
function logUniform(random: () => number, lo: number, hi: number): number {
  return Math.round(lo * Math.pow(hi / lo, random()));
}

// --- endpoints -------------------------------------------------------------------------------

function clientMac(c: number): Buffer {
  return Buffer.from([0x52, 0x54, 0x00, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff]);
}

/** Client c: 10.x.y.z, or 2001:db8:1::c. */
function clientIp(c: number, v6: boolean): Buffer {
  return v6 ? Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, (c >> 8) & 0xff, c & 0xff]) : Buffer.from([10, 1 + Math.floor(c / 62500), Math.floor(c / 250) % 250, 1 + (c % 250)]);
}

/** Server s: a public-looking address, or 2001:db8:ff::s. */
function serverIp(n: number, v6: boolean): Buffer {
  return v6 ? Buffer.from([0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, (n >> 8) & 0xff, n & 0xff]) : Buffer.from([[93, 151, 104, 172, 185][n % 5], 16 + (n % 7), Math.floor(n / 250) % 250, 1 + (n % 250)]);
}

const ipText = (bytes: Buffer) => (bytes.length === 4 ? [...bytes].join('.') : (bytes.toString('hex').match(/.{4}/g) ?? []).join(':'));
const macText = (bytes: Buffer) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');

// --- scripting conversations with the fixture builders ------------------------------------------

/** One conversation as the fixture builders script it, starting at time 0. */
interface ScriptedConversation {
  kind: ConversationKind;
  frames: TimedFrame[];
  v6: boolean;
  /** Address of the side whose address, MAC and port each copy replaces. */
  client: Buffer;
  /** Whether each copy also gets its own server address (DNS keeps the resolvers). */
  ownServer: boolean;
}

class ConversationScripter {
  private readonly pool: Buffer;

  constructor(private readonly random: () => number) {
    // 64 KiB of random bytes, repeated: payload content only has to look like data.
    const tile = Buffer.allocUnsafe(64 * 1024);
    for (let i = 0; i < tile.length; i += 4) tile.writeUInt32LE(Math.floor(random() * 4294967296), i);
    this.pool = Buffer.allocUnsafe(POOL_BYTES);
    for (let i = 0; i < POOL_BYTES; i += tile.length) tile.copy(this.pool, i);
  }

  script(kind: ConversationKind): ScriptedConversation {
    const v6 = (kind === 'udp-oneway' || kind === 'icmp-unreachable') ? false : this.random() < 0.05;
    const client: Host = { mac: macText(clientMac(this.int(CLIENTS))), ip: ipText(clientIp(this.int(CLIENTS), v6)) };
    const server: Host = { mac: GATEWAY_MAC, ip: ipText(serverIp(this.int(SERVERS), v6)) };
    const frames = this.frames(kind, client, server, v6);
    return { kind, frames, v6, client: addressBytes(client.ip), ownServer: kind !== 'udp-dns' && kind !== 'udp-dns-unanswered' };
  }

  private frames(kind: ConversationKind, client: Host, server: Host, v6: boolean): TimedFrame[] {
    switch (kind) {
      case 'tcp-web': return this.tcpWeb(this.tcp(client, server, v6));
      case 'tcp-s0': return this.tcpS0(this.tcp(client, server, v6));
      case 'tcp-rej': return this.tcp(client, server, v6).segment('client', 0x02).segment('server', 0x14).frames;
      case 'tcp-rsto': return this.tcp(client, server, v6).handshake().sendAcked('client', this.payload(logUniform(this.random, 80, 600))).segment('client', 0x14).frames;
      case 'udp-dns': return this.dns(client, v6, true);
      case 'udp-dns-unanswered': return this.dns(client, v6, false);
      case 'udp-oneway': return this.udpOneWay(client, server);
      case 'icmp-echo': return this.icmpEcho(client, server, v6);
      case 'icmp-unreachable': return this.icmpUnreachable(client, server);
    }
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private payload(length: number): Buffer {
    const at = this.int(POOL_BYTES - length);
    return this.pool.subarray(at, at + length);
  }

  private ephemeralPort(): number {
    return 32768 + this.int(28232);
  }

  /** Even, so half a round trip is a whole number of microseconds. */
  private rtt(): number {
    return 2 * Math.floor(logUniform(this.random, 1 * ms, 120 * ms) / 2);
  }

  private tcp(client: Host, server: Host, v6: boolean): TcpConversation {
    return new TcpConversation({
      client, clientPort: this.ephemeralPort(), server, serverPort: pick(this.random, SERVER_PORTS),
      startUs: 0, rttUs: this.rtt(), clientIsn: this.int(4294967296), serverIsn: this.int(4294967296),
      // Full-size segments are 1514-byte frames.
      mss: v6 ? 1440 : 1460,
    });
  }

  private tcpWeb(c: TcpConversation): TimedFrame[] {
    c.handshake();
    const rounds = this.random() < 0.7 ? 1 : 2 + this.int(2);
    for (let r = 0; r < rounds; r++) {
      if (r > 0) c.wait(logUniform(this.random, 1 * ms, 400 * ms));
      c.sendAcked('client', this.payload(logUniform(this.random, 80, 1200)));
      const bulk = this.random() < 0.004;
      c.sendAcked('server', this.payload(bulk ? logUniform(this.random, 100_000, 1_000_000) : logUniform(this.random, 200, 16_000)));
    }
    // Keep-alive quiet before the close; a few connections stay open much longer.
    c.wait(this.random() < 0.03 ? logUniform(this.random, 5 * s, 60 * s) : logUniform(this.random, 10 * ms, 5 * s));
    return c.close(this.random() < 0.6 ? 'client' : 'server').frames;
  }

  private tcpS0(c: TcpConversation): TimedFrame[] {
    c.segment('client', 0x02);
    const retries = this.int(3);
    for (let i = 0; i < retries; i++) c.wait((1 << i) * s).retransmit('client');
    return c.frames;
  }

  private dns(client: Host, v6: boolean, answered: boolean): TimedFrame[] {
    const r = this.int(RESOLVERS);
    const resolver: Host = v6 ? { mac: GATEWAY_MAC, ip: `2001:db8:53::${r + 1}` } : { mac: GATEWAY_MAC, ip: `10.0.53.${r + 1}` };
    const port = this.ephemeralPort();
    const id = this.int(65536);
    const name = DOMAINS[this.int(DOMAINS.length)];
    const type = v6 || this.random() < 0.3 ? DNS_TYPE.AAAA : DNS_TYPE.A;
    const etherType = v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    const frames: TimedFrame[] = [{
      tsUs: 0,
      data: ethernetFrame({ src: client.mac, dst: resolver.mac }, etherType, udpPacket({ src: client.ip, dst: resolver.ip }, { srcPort: port, dstPort: 53 }, dnsQuery(id, name, type))),
    }];
    if (!answered) return frames;
    const answers = Array.from({ length: 1 + this.int(3) }, (_, i) => ({
      type, ttl: 300, value: type === DNS_TYPE.A ? `104.16.${this.int(256)}.${i + 1}` : `2606:4700::${(this.int(65535) + 1).toString(16)}`,
    }));
    frames.push({
      tsUs: logUniform(this.random, 300, 40 * ms),
      data: ethernetFrame({ src: resolver.mac, dst: client.mac }, etherType, udpPacket({ src: resolver.ip, dst: client.ip }, { srcPort: 53, dstPort: port }, dnsResponse(id, name, type, answers))),
    });
    return frames;
  }

  private udpOneWay(client: Host, server: Host): TimedFrame[] {
    const ntp = this.random() < 0.5;
    const payload = ntp ? Buffer.concat([Buffer.from([0x23, 0, 6, 0x20]), Buffer.alloc(44)]) : this.payload(logUniform(this.random, 60, 1400));
    const udp = ntp ? { srcPort: 123, dstPort: 123 } : { srcPort: this.ephemeralPort(), dstPort: 514 };
    return [{ tsUs: 0, data: ethernetFrame({ src: client.mac, dst: server.mac }, ETHERTYPE_IPV4, udpPacket({ src: client.ip, dst: server.ip }, udp, payload)) }];
  }

  private icmpEcho(client: Host, server: Host, v6: boolean): TimedFrame[] {
    const etherType = v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    const [request, reply] = v6 ? [128, 129] : [8, 0];
    const id = this.int(65536);
    const payload = this.payload(this.random() < 0.8 ? 56 : logUniform(this.random, 56, 1400));
    const rtt = this.rtt();
    const frames: TimedFrame[] = [];
    const pings = 1 + this.int(4);
    for (let i = 0; i < pings; i++) {
      const at = i * s;
      frames.push({ tsUs: at, data: ethernetFrame({ src: client.mac, dst: server.mac }, etherType, icmpPacket({ src: client.ip, dst: server.ip }, { type: request, code: 0, id, seq: i + 1 }, payload)) });
      frames.push({ tsUs: at + rtt, data: ethernetFrame({ src: server.mac, dst: client.mac }, etherType, icmpPacket({ src: server.ip, dst: client.ip, ttl: 57 }, { type: reply, code: 0, id, seq: i + 1 }, payload)) });
    }
    return frames;
  }

  /** A UDP datagram to a closed port and the ICMP port unreachable quoting it: two flows. */
  private icmpUnreachable(client: Host, server: Host): TimedFrame[] {
    const probeIp: IpSpec = { src: client.ip, dst: server.ip };
    const probe = udpPacket(probeIp, { srcPort: this.ephemeralPort(), dstPort: 33434 + this.int(100) }, this.payload(32));
    // ICMP quotes the offending IP header and the first 8 bytes after it.
    const quoted = probe.subarray(0, 28);
    return [
      { tsUs: 0, data: ethernetFrame({ src: client.mac, dst: server.mac }, ETHERTYPE_IPV4, probe) },
      { tsUs: this.rtt(), data: ethernetFrame({ src: server.mac, dst: client.mac }, ETHERTYPE_IPV4, icmpPacket({ src: server.ip, dst: client.ip }, { type: 3, code: 3 }, quoted)) },
    ];
  }
}

// --- templates and their copies -------------------------------------------------------------------

const ETHERNET_HEADER = 14;
const RECORD_HEADER = 16;

/** One frame of a template: its pcap record and where the fields to patch are. */
interface TemplateFrame {
  /** encodePcapRecord of the frame, timestamp 0. */
  record: Buffer;
  offsetUs: number;
  fromClient: boolean;
  ipProto: number;
}

interface ConversationTemplate {
  kind: ConversationKind;
  v6: boolean;
  ownServer: boolean;
  frames: TemplateFrame[];
}

function toTemplate(c: ScriptedConversation): ConversationTemplate {
  const addressAt = ETHERNET_HEADER + (c.v6 ? 8 : 12);
  const frames = c.frames.map((f): TemplateFrame => ({
    record: encodePcapRecord({ tsUs: 0, data: f.data }),
    offsetUs: f.tsUs,
    fromClient: f.data.subarray(addressAt, addressAt + c.client.length).equals(c.client),
    ipProto: f.data[ETHERNET_HEADER + (c.v6 ? 6 : 9)],
  }));
  return { kind: c.kind, v6: c.v6, ownServer: c.ownServer, frames };
}

/** A template being played: the conversation's own endpoints and the next frame to write. */
interface Playing {
  template: ConversationTemplate;
  startUs: number;
  clientMac: Buffer;
  clientIp: Buffer;
  clientPort: number;
  serverIp: Buffer | null;
  next: number;
  nextTs: number;
  /** Creation order: breaks ties between equal timestamps, so the output is deterministic. */
  seq: number;
}

/** Ones'-complement sum of the 16-bit big-endian words of buf[at, at + length), not folded. */
function sum16(buf: Buffer, at: number, length: number): number {
  let sum = 0;
  for (let i = at; i < at + length; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** RFC 1624 eqn. 3: the checksum at `at` after words summing to `oldSum` became words summing to `newSum`. */
function updateChecksum(buf: Buffer, at: number, oldSum: number, newSum: number, zeroIsNone: boolean): void {
  const sum = fold((~buf.readUInt16BE(at) & 0xffff) + (~fold(oldSum) & 0xffff) + fold(newSum));
  const value = ~sum & 0xffff;
  buf.writeUInt16BE(value === 0 && zeroIsNone ? 0xffff : value, at);
}

/**
 * Writes frame `p.next` of a playing conversation into `out` at `pos`, with its timestamp and
 * endpoints; returns the bytes written.
 */
function writeCopy(p: Playing, out: Buffer, pos: number): number {
  const t = p.template;
  const tf = t.frames[p.next];
  const rec = tf.record;
  rec.copy(out, pos);
  const ts = p.nextTs;
  const sec = Math.floor(ts / 1_000_000);
  out.writeUInt32LE(sec, pos);
  out.writeUInt32LE(ts - sec * 1_000_000, pos + 4);
  const frame = pos + RECORD_HEADER;
  p.clientMac.copy(out, frame + (tf.fromClient ? 6 : 0));
  const ip = frame + ETHERNET_HEADER;
  const addressLength = t.v6 ? 16 : 4;
  const addresses = ip + (t.v6 ? 8 : 12);
  const l4 = ip + (t.v6 ? 40 : 20);
  const proto = tf.ipProto;
  const ports = proto === 6 || proto === 17;
  const oldAddresses = sum16(out, addresses, 2 * addressLength);
  const oldPorts = ports ? sum16(out, l4, 4) : 0;
  p.clientIp.copy(out, tf.fromClient ? addresses : addresses + addressLength);
  if (p.serverIp !== null) p.serverIp.copy(out, tf.fromClient ? addresses + addressLength : addresses);
  if (ports) out.writeUInt16BE(p.clientPort, tf.fromClient ? l4 : l4 + 2);
  const newAddresses = sum16(out, addresses, 2 * addressLength);
  const newPorts = ports ? sum16(out, l4, 4) : 0;
  if (!t.v6) updateChecksum(out, ip + 10, oldAddresses, newAddresses, false);
  // TCP, UDP and ICMPv6 checksums cover a pseudo-header with the addresses; ICMPv4's does not.
  const checksumAt = proto === 6 ? l4 + 16 : proto === 17 ? l4 + 6 : proto === 58 ? l4 + 2 : -1;
  if (checksumAt >= 0) updateChecksum(out, checksumAt, oldAddresses + oldPorts, newAddresses + newPorts, proto === 17);
  return rec.length;
}

/** Binary min-heap of playing conversations by (time of the next frame, creation order). */
class PlayingHeap {
  private readonly items: Playing[] = [];

  get size(): number {
    return this.items.length;
  }

  peekTs(): number {
    return this.items[0].nextTs;
  }

  top(): Playing {
    return this.items[0];
  }

  push(p: Playing): void {
    const a = this.items;
    a.push(p);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  /** After the top's frame was written: advances it, dropping it when done. */
  advanceTop(): void {
    const a = this.items;
    const top = a[0];
    top.next++;
    if (top.next < top.template.frames.length) {
      top.nextTs = top.startUs + top.template.frames[top.next].offsetUs;
    } else {
      const last = a.pop()!;
      if (a.length === 0) return;
      a[0] = last;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && less(a[l], a[m])) m = l;
      if (r < a.length && less(a[r], a[m])) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}

const less = (x: Playing, y: Playing) => x.nextTs < y.nextTs || (x.nextTs === y.nextTs && x.seq < y.seq);

/**
 * Writes the benchmark capture to `path` (classic pcap, little-endian, µs, Ethernet). The same
 * options give the same bytes.
 */
export function writeBenchCapture(path: string, options: BenchCaptureOptions): BenchCaptureStats {
  const o = { ...BENCH_CAPTURE_DEFAULTS, ...options };
  const random = prng(o.seed);
  const scripter = new ConversationScripter(random);
  const templates = Array.from({ length: o.templates }, () => toTemplate(scripter.script(pick(random, KIND_WEIGHTS))));
  const byKind = Object.fromEntries(KIND_WEIGHTS.map(([k]) => [k, 0])) as Record<ConversationKind, number>;
  const stats: BenchCaptureStats = { bytes: 0, frames: 0, conversations: 0, byKind, firstTsUs: 0, lastTsUs: 0 };
  const heap = new PlayingHeap();
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
  let pos = 0;
  const fd = openSync(path, 'w');
  const flush = () => {
    for (let at = 0; at < pos;) at += writeSync(fd, chunk, at, pos - at);
    stats.bytes += pos;
    pos = 0;
  };
  const emitTop = () => {
    const p = heap.top();
    if (pos + p.template.frames[p.next].record.length > chunk.length) flush();
    if (stats.frames === 0) stats.firstTsUs = p.nextTs;
    stats.lastTsUs = p.nextTs;
    stats.frames++;
    pos += writeCopy(p, chunk, pos);
    heap.advanceTop();
  };
  try {
    pos += encodePcapFileHeader({ linkType: 1, snapLength: 262144 }).copy(chunk, 0);
    let scheduled = pos;
    let t = o.startUs;
    while (scheduled < o.targetBytes) {
      // Poisson arrivals.
      t += Math.max(1, Math.round((-Math.log(1 - random()) / o.conversationsPerSecond) * s));
      while (heap.size > 0 && heap.peekTs() <= t) emitTop();
      const template = templates[Math.floor(random() * templates.length)];
      const c = Math.floor(random() * CLIENTS);
      for (const f of template.frames) scheduled += f.record.length;
      byKind[template.kind]++;
      heap.push({
        template, startUs: t, clientMac: clientMac(c), clientIp: clientIp(c, template.v6), clientPort: 32768 + Math.floor(random() * 28232),
        serverIp: template.ownServer ? serverIp(Math.floor(random() * SERVERS), template.v6) : null,
        next: 0, nextTs: t + template.frames[0].offsetUs, seq: stats.conversations++,
      });
    }
    while (heap.size > 0) emitTop();
    flush();
  } finally {
    closeSync(fd);
  }
  return stats;
}
