// Decoded packets for flow tests, without bytes: a client and a server and the fields flows read.
import type { FlowPacket } from './flow-state';

export const CLIENT = '10.0.0.5';
export const SERVER = '10.0.0.80';
export const T0 = 1_705_312_800_000_000;
export const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface TestPacket {
  from: 'c' | 's';
  flags?: number;
  seq?: number;
  ack?: number;
  len?: number;
  /** Microseconds after T0. */
  at?: number;
  proto?: number;
  vlan?: number | null;
  clientPort?: number;
  serverPort?: number;
  /** TCP window; default 8192. */
  win?: number;
  /** Transport header length; default 20 for TCP, 8 otherwise. */
  hdr?: number;
}

export function packet(p: TestPacket): FlowPacket {
  const c = p.from === 'c';
  const len = p.len ?? 0;
  const clientPort = p.clientPort ?? 49200;
  const serverPort = p.serverPort ?? 80;
  return {
    tsUs: T0 + (p.at ?? 0),
    wireLength: 54 + len,
    vlan: p.vlan ?? null,
    src: c ? CLIENT : SERVER,
    dst: c ? SERVER : CLIENT,
    srcPort: c ? clientPort : serverPort,
    dstPort: c ? serverPort : clientPort,
    ipProto: p.proto ?? 6,
    ipBytes: 40 + len,
    payloadLength: len,
    tcpFlags: p.flags ?? 0,
    tcpSeq: p.seq ?? 0,
    tcpAck: p.ack ?? 0,
    tcpWindow: (p.proto ?? 6) === 6 ? p.win ?? 8192 : 0,
    transportHeaderLength: p.hdr ?? ((p.proto ?? 6) === 6 ? 20 : 8),
    // 10.0.0.5 < 10.0.0.80
    addressOrder: c ? -1 : 1,
  };
}

/** A TCP conversation with sequence numbers tracked, 1 ms between packets. */
export class TcpScript {
  private seq = { c: 1000, s: 5000 };
  private at = 0;
  readonly packets: FlowPacket[] = [];

  constructor(private readonly base: Partial<TestPacket> = {}) {}

  send(from: 'c' | 's', flags: number, len = 0, extra: Partial<TestPacket> = {}): this {
    const to = from === 'c' ? 's' : 'c';
    this.packets.push(packet({ ...this.base, from, flags, seq: this.seq[from], ack: this.seq[to], len, at: (this.at += 1000), ...extra }));
    this.seq[from] = (this.seq[from] + len + (flags & (F.SYN | F.FIN) ? 1 : 0)) >>> 0;
    return this;
  }

  /** Sends `len` bytes again from the sequence number `back` bytes behind the current one (a retransmission). */
  resend(from: 'c' | 's', flags: number, len: number, back = len): this {
    this.seq[from] = (this.seq[from] - back) >>> 0;
    const before = (this.seq[from] + back) >>> 0;
    this.send(from, flags, len);
    if (((this.seq[from] - before) | 0) < 0) this.seq[from] = before;
    return this;
  }

  handshake(): this {
    return this.send('c', F.SYN).send('s', F.SYN | F.ACK).send('c', F.ACK);
  }
}
