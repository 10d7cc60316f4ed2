// The signature benchmark's traffic: a deterministic classic pcap of HTTP/1.1 over TCP (about 90 %
// of the payload bytes) and syslog over UDP, and beside it the same payload bytes as a text file
// for grep.
//
//   TCP   handshake, 1-3 request/response rounds (GET/POST, realistic headers; responses of HTML,
//         JSON, CSS or JS text, 300 B to 200 kB, heavy-tailed), FIN. Frames scripted with
//         test/fixtures' TcpConversation (correct lengths and checksums), MSS 1460.
//   UDP   syslog lines (RFC 3164) from hosts to a collector on port 514.
//   Some requests, bodies and syslog lines carry one of INDICATORS (the rules' planted strings).
//
// Conversations follow one another in time (no overlap): the engine's work per byte does not
// depend on interleaving, and the file stays in time order trivially.
//
// The payload file: for every frame with a TCP or UDP payload, in capture order, one line holding
// the payload's bytes with each LF (0x0a) replaced by CR (0x0d), then LF. No pattern contains CR
// or LF, so every pattern occurrence inside a payload is in its line and no new one appears;
// grep scans payload bytes + one LF per payload. Frames without payload (SYN, ACK, FIN) have no
// line.
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodePcapFileHeader, encodePcapRecord } from '@ids/pcap';
import { prng } from '../bench-capture.generator';
import { ETHERTYPE_IPV4, ethernetFrame, udpPacket } from '../../fixtures/frame.builder';
import { TcpConversation, type TimedFrame } from '../../fixtures/tcp-conversation.builder';
import { INDICATORS, UDP_INDICATORS } from './signature-rules.generator';

/** Bump when the bytes written for given options change: the cached files are then rebuilt. */
export const SIGNATURE_WORKLOAD_VERSION = 2;

export interface SignatureWorkloadOptions {
  /** Stop once this many payload bytes are written (the last conversation is finished). */
  payloadBytes: number;
  seed: number;
}

export interface SignatureWorkloadStats {
  pcapBytes: number;
  frames: number;
  /** Frames with a TCP or UDP payload: the lines of the payload file. */
  payloadFrames: number;
  payloadBytes: number;
  tcpPayloadBytes: number;
  udpPayloadBytes: number;
  conversations: number;
  syslogMessages: number;
  /** Indicator strings planted, counted once per place planted. */
  planted: number;
  firstTsUs: number;
  lastTsUs: number;
}

export const SIGNATURE_WORKLOAD_DEFAULTS: SignatureWorkloadOptions = { payloadBytes: 128 * 1024 * 1024, seed: 20261121 };

const START_US = 1_763_726_400_000_000; // 2025-11-21T12:00:00Z
const TEXT_POOL_BYTES = 4 * 1024 * 1024;
const PLANT_RATE = 0.004;
const HTTP_INDICATORS = INDICATORS.filter((i) => !UDP_INDICATORS.includes(i));

const WORDS = ('the of and to in is for on with as by at from this that product service account order customer price '
  + 'search results page news update release version support contact about privacy terms cookie settings profile '
  + 'login logout register cart checkout shipping payment invoice report dashboard analytics user admin api data '
  + 'value item list table row column image video download upload share comment reply post article blog author '
  + 'date time today week month year category tag filter sort next previous more less show hide open close').split(' ');
const PATHS = ['/', '/index.html', '/search', '/api/v1/items', '/api/v2/users/me', '/static/js/app.js', '/static/css/site.css',
  '/images/logo.png', '/blog/2025/11/release-notes', '/products/category/shoes', '/cart', '/checkout/payment', '/login',
  '/account/orders', '/news/world', '/docs/getting-started', '/favicon.ico', '/api/v1/search'];
const HOSTS = ['www.example.com', 'shop.example.org', 'api.example.net', 'news.example.com', 'cdn.example.org', 'intranet.corp.local'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'curl/8.5.0', 'python-requests/2.32.3', 'okhttp/4.12.0',
];
const SYSLOG_APPS = ['sshd', 'kernel', 'CRON', 'systemd', 'nginx', 'postfix/smtpd', 'sudo', 'dhclient'];

const logUniform = (random: () => number, lo: number, hi: number) => Math.round(lo * Math.pow(hi / lo, random()));

/** The payload file's line for one payload: LF replaced by CR, then LF. */
export function payloadLine(payload: Uint8Array): Buffer {
  const line = Buffer.allocUnsafe(payload.length + 1);
  for (let i = 0; i < payload.length; i++) line[i] = payload[i] === 0x0a ? 0x0d : payload[i];
  line[payload.length] = 0x0a;
  return line;
}

/** The TCP payload of an Ethernet + IPv4 + TCP frame (the generator writes no other kind); padding excluded. */
export function ipv4TcpPayload(frame: Buffer): Buffer {
  const ip = 14;
  const ihl = (frame[ip] & 0x0f) * 4;
  const total = frame.readUInt16BE(ip + 2);
  const tcp = ip + ihl;
  const doff = (frame[tcp + 12] >> 4) * 4;
  return frame.subarray(tcp + doff, ip + total);
}

class WorkloadScripter {
  private readonly int: (n: number) => number;
  readonly pool: Buffer;
  planted = 0;

  constructor(private readonly random: () => number) {
    this.int = (n) => Math.floor(random() * n);
    this.pool = this.textPool();
  }

  private word(): string {
    return WORDS[this.int(WORDS.length)];
  }

  private sentence(n: number): string {
    return Array.from({ length: n }, () => this.word()).join(' ');
  }

  /** HTML, JSON, CSS and JS fragments, with an indicator planted now and then. */
  private textPool(): Buffer {
    const parts: string[] = [];
    let size = 0;
    while (size < TEXT_POOL_BYTES) {
      let p: string;
      switch (this.int(4)) {
        case 0: p = `<div class="${this.word()}-${this.word()}"><a href="/${this.word()}/${this.word()}?id=${this.int(99999)}">${this.sentence(3 + this.int(6))}</a><p>${this.sentence(10 + this.int(30))}</p></div>\n`; break;
        case 1: p = `{"id":${this.int(1e6)},"${this.word()}":"${this.sentence(2 + this.int(5))}","${this.word()}":${this.int(1000)},"tags":["${this.word()}","${this.word()}"]},\n`; break;
        case 2: p = `.${this.word()}-${this.word()} { margin: ${this.int(20)}px; color: #${this.int(0xffffff).toString(16).padStart(6, '0')}; font-family: sans-serif; }\n`; break;
        default: p = `function ${this.word()}_${this.word()}(a, b) { return a.${this.word()}(b) || "${this.sentence(2)}"; }\n`;
      }
      if (this.random() < PLANT_RATE * 4) p = p.replace(' ', ` ${HTTP_INDICATORS[this.int(HTTP_INDICATORS.length)]} `);
      parts.push(p);
      size += p.length;
    }
    return Buffer.from(parts.join(''), 'latin1').subarray(0, TEXT_POOL_BYTES);
  }

  body(length: number): Buffer {
    const at = this.int(this.pool.length - length);
    return this.pool.subarray(at, at + length);
  }

  request(host: string): Buffer {
    const post = this.random() < 0.2;
    let path = `${PATHS[this.int(PATHS.length)]}${this.random() < 0.4 ? `?q=${this.word()}+${this.word()}&page=${this.int(20)}` : ''}`;
    let agent = AGENTS[this.int(AGENTS.length)];
    if (this.random() < PLANT_RATE) {
      this.planted++;
      const ind = HTTP_INDICATORS[this.int(HTTP_INDICATORS.length)];
      if (this.random() < 0.5) path += `&x=${ind}`;
      else agent += ` ${ind}`;
    }
    const body = post ? `${this.word()}=${this.word()}&${this.word()}=${this.int(1e6)}&${this.word()}=${this.sentence(3).replace(/ /g, '+')}` : '';
    const lines = [
      `${post ? 'POST' : 'GET'} ${path} HTTP/1.1`, `Host: ${host}`, `User-Agent: ${agent}`,
      'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'Accept-Language: en-US,en;q=0.9',
      'Accept-Encoding: identity', `Cookie: session=${this.int(2 ** 31).toString(16)}${this.int(2 ** 31).toString(16)}; theme=${this.word()}`,
      'Connection: keep-alive',
      ...(post ? ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${body.length}`] : []),
    ];
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
  }

  response(): Buffer {
    const length = logUniform(this.random, 300, 200_000);
    const type = ['text/html; charset=utf-8', 'application/json', 'text/css', 'application/javascript'][this.int(4)];
    const head = `HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nDate: Fri, 21 Nov 2025 12:00:00 GMT\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nCache-Control: max-age=${this.int(3600)}\r\nConnection: keep-alive\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), this.body(length)]);
  }

  syslog(host: number): Buffer {
    const app = SYSLOG_APPS[this.int(SYSLOG_APPS.length)];
    let msg = `${this.sentence(4 + this.int(12))} from 10.1.${this.int(250)}.${this.int(250)} port ${1024 + this.int(60000)}`;
    if (this.random() < PLANT_RATE * 4) {
      this.planted++;
      msg = `${UDP_INDICATORS[this.int(UDP_INDICATORS.length)]} ${msg}`;
    }
    return Buffer.from(`<${8 * 4 + this.int(8)}>Nov 21 12:${String(this.int(60)).padStart(2, '0')}:${String(this.int(60)).padStart(2, '0')} host${host} ${app}[${this.int(65535)}]: ${msg}`, 'latin1');
  }
}

/** Writes the capture to `pcapPath` and the payload lines to `payloadPath`. */
export function writeSignatureWorkload(pcapPath: string, payloadPath: string, options: SignatureWorkloadOptions): SignatureWorkloadStats {
  const random = prng(options.seed);
  const int = (n: number) => Math.floor(random() * n);
  const scripter = new WorkloadScripter(random);
  const pcapFd = openSync(pcapPath, 'w');
  const lineFd = openSync(payloadPath, 'w');
  const stats: SignatureWorkloadStats = {
    pcapBytes: 0, frames: 0, payloadFrames: 0, payloadBytes: 0, tcpPayloadBytes: 0, udpPayloadBytes: 0,
    conversations: 0, syslogMessages: 0, planted: 0, firstTsUs: START_US, lastTsUs: START_US,
  };
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    writeSync(pcapFd, Buffer.concat(pending));
    pending.length = 0;
    pendingBytes = 0;
  };
  const lines: Buffer[] = [];
  const emit = (f: TimedFrame, payload: Buffer, proto: 'tcp' | 'udp') => {
    const record = encodePcapRecord({ tsUs: f.tsUs, data: f.data });
    pending.push(record);
    pendingBytes += record.length;
    stats.pcapBytes += record.length;
    stats.frames++;
    stats.lastTsUs = f.tsUs;
    if (payload.length > 0) {
      lines.push(payloadLine(payload));
      stats.payloadFrames++;
      stats.payloadBytes += payload.length;
      if (proto === 'tcp') stats.tcpPayloadBytes += payload.length;
      else stats.udpPayloadBytes += payload.length;
    }
    if (pendingBytes > 8 * 1024 * 1024) {
      flush();
      writeSync(lineFd, Buffer.concat(lines));
      lines.length = 0;
    }
  };
  const header = encodePcapFileHeader();
  writeSync(pcapFd, header);
  stats.pcapBytes += header.length;
  let t = START_US;
  while (stats.payloadBytes < options.payloadBytes) {
    if (random() < 0.3) {
      // a burst of syslog datagrams
      for (let i = 1 + int(8); i > 0; i--) {
        const h = int(200);
        const payload = scripter.syslog(h);
        t += 50 + int(500);
        const data = ethernetFrame({ src: '52:54:00:00:01:' + (h % 256).toString(16).padStart(2, '0'), dst: '00:1a:2b:3c:4d:01' }, ETHERTYPE_IPV4,
          udpPacket({ src: `10.2.0.${1 + h}`, dst: '10.0.0.5' }, { srcPort: 514, dstPort: 514 }, payload));
        emit({ tsUs: t, data }, payload, 'udp');
        stats.syslogMessages++;
      }
      continue;
    }
    const c = new TcpConversation({
      client: { mac: '52:54:00:10:00:01', ip: `10.1.${int(250)}.${1 + int(250)}` }, clientPort: 32768 + int(28000),
      server: { mac: '00:1a:2b:3c:4d:01', ip: `93.184.${int(250)}.${1 + int(250)}` }, serverPort: random() < 0.8 ? 80 : 8080,
      startUs: t, rttUs: 2 * Math.floor(logUniform(random, 1000, 80_000) / 2), clientIsn: int(2 ** 32), serverIsn: int(2 ** 32), mss: 1460,
    });
    c.handshake();
    const host = HOSTS[int(HOSTS.length)];
    const rounds = random() < 0.7 ? 1 : 2 + int(2);
    for (let r = 0; r < rounds; r++) {
      if (r > 0) c.wait(logUniform(random, 1000, 200_000));
      c.sendAcked('client', scripter.request(host));
      c.sendAcked('server', scripter.response());
    }
    c.close(random() < 0.6 ? 'client' : 'server');
    for (let i = 0; i < c.frames.length; i++) emit(c.frames[i], ipv4TcpPayload(c.frames[i].data), 'tcp');
    t = c.frames[c.frames.length - 1].tsUs + 100 + int(2000);
    stats.conversations++;
  }
  flush();
  writeSync(lineFd, Buffer.concat(lines));
  closeSync(pcapFd);
  closeSync(lineFd);
  stats.planted = scripter.planted;
  return stats;
}
