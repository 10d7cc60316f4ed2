// The measurements of the embedded path, one function each. Each runs once, single-threaded,
// over the whole capture, and times only its loop (process.hrtime.bigint), not start-up.
// run.ts starts a fresh node process for every run, so one measurement's JIT state and heap
// never colour the next.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { FlowRecord } from '@ids/contracts';
import { FlowTable, type FlowState, type FlowStateStore } from '@ids/flow';
import { PacketView, decodeFrameInto, decodePacket, decodePacketInto } from '@ids/packet';
import { PcapFileReader, type CaptureFrameCursor } from '@ids/pcap';
import { analyzeCapture } from '@ids/stages';
import { ETHERTYPE_IPV4, TCP, ethernetFrame, tcpPacket } from '../fixtures/frame.builder';

export const THROUGHPUT_MEASUREMENTS = ['read', 'decode', 'flow', 'analyze', 'decode-objects', 'flow-objects'] as const;
export type ThroughputMeasurement = (typeof THROUGHPUT_MEASUREMENTS)[number];

export interface ThroughputSample {
  packets: number;
  /** Flows emitted (flow, analyze). */
  flows?: number;
  /** Frames that did not decode to an IP packet (decode, flow). */
  undecoded?: number;
  /** Wall-clock of the loop. */
  seconds: number;
  /** CPU of the whole process (all its threads: GC helpers, libuv pool) during the loop. */
  cpuSeconds: number;
  maxRssBytes: number;
}

export interface MemorySample {
  flows: number;
  heapBytes: number;
  /** Array buffer memory outside the heap (FlowTable keeps each flow's numbers in a Float64Array). */
  arrayBufferBytes: number;
  /** (heap + array buffers) / flows. */
  bytesPerFlow: number;
  maxRssBytes: number;
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** Starts the clocks; the returned function reads them. */
function stopwatch(): () => { seconds: number; cpuSeconds: number; maxRssBytes: number } {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssBytes: maxRss() };
  };
}

/**
 * The loops below keep no frame past its chunk: the reader reads into two buffers in turn
 * (`reuseChunks`), not a fresh one per chunk, whose memory outside the heap makes V8 collect its
 * young generation every few chunks.
 */
const KEEP_NO_FRAME = { reuseChunks: true } as const;

/** (a) PcapFileReader.chunks(): the frames of each 1 MiB read chunk through one reused cursor. */
export async function measureRead(path: string): Promise<ThroughputSample> {
  const stop = stopwatch();
  let packets = 0;
  let captured = 0;
  for await (const chunk of new PcapFileReader(path, KEEP_NO_FRAME).chunks()) {
    while (chunk.next()) {
      packets++;
      captured += chunk.capturedLength;
    }
  }
  const time = stop();
  if (captured === 0 && packets > 0) throw new Error('no bytes read');
  return { packets, ...time };
}

/** (b) read (`chunks()`) + decode of every frame in place in its chunk into one reused PacketView (`decodeFrameInto`: no Buffer view per frame); `objects`: `decodePacket`, an object per frame. */
export async function measureDecode(path: string, objects = false): Promise<ThroughputSample> {
  const stop = stopwatch();
  const view = new PacketView();
  let packets = 0;
  let undecoded = 0;
  let check = 0;
  for await (const f of new PcapFileReader(path, objects ? {} : KEEP_NO_FRAME).chunks()) {
    while (f.next()) {
      packets++;
      if (objects) {
        const pkt = decodePacket(f.data, f.linkType, f.tsUs, f.originalLength);
        if (pkt.ok) check += pkt.srcPort;
        else undecoded++;
      } else if (decodeFrameInto(view, f.buffer, f.start, f.end, f.linkType, f.tsUs, f.originalLength) === null) {
        check += view.srcPort;
      } else {
        undecoded++;
      }
    }
  }
  const time = stop();
  if (check < 0) throw new Error('unreachable');
  return { packets, undecoded, ...time };
}

/**
 * (c) read + decode in place (`decodeFrameInto`) into a reused PacketView + FlowTable (libs/flow defaults), flushed at the
 * end; `objects`: `decodePacket`, an object per frame, and the table's key-string path.
 * `onFlow` sees every record (the equivalence check; not timed in the bench).
 */
export async function measureFlow(path: string, objects = false, onFlow?: (flow: FlowRecord) => void): Promise<ThroughputSample> {
  const stop = stopwatch();
  const table = new FlowTable();
  const view = new PacketView();
  let packets = 0;
  let undecoded = 0;
  let flows = 0;
  const take = (records: readonly FlowRecord[]) => {
    flows += records.length;
    if (onFlow !== undefined) records.forEach(onFlow);
  };
  for await (const f of new PcapFileReader(path, objects ? {} : KEEP_NO_FRAME).chunks()) {
    while (f.next()) {
      packets++;
      if (objects) {
        const pkt = decodePacket(f.data, f.linkType, f.tsUs, f.originalLength);
        if (pkt.ok) take(table.add(pkt));
        else undecoded++;
      } else if (decodeFrameInto(view, f.buffer, f.start, f.end, f.linkType, f.tsUs, f.originalLength) === null) {
        const out = table.add(view);
        if (out.length > 0) take(out);
      } else {
        undecoded++;
      }
    }
  }
  take(table.flush());
  return { packets, undecoded, flows, ...stop() };
}

/** (d) analyzeCapture: the capture source, the flows and sink topologies on the embedded runtime. */
export async function measureAnalyze(path: string): Promise<ThroughputSample> {
  const stop = stopwatch();
  const r = await analyzeCapture(path);
  const time = stop();
  return { packets: r.capture.frames, flows: r.flows.length, ...time };
}

export const THROUGHPUT: Record<ThroughputMeasurement, (path: string) => Promise<ThroughputSample>> = {
  read: measureRead,
  decode: (path) => measureDecode(path),
  flow: (path) => measureFlow(path),
  analyze: measureAnalyze,
  'decode-objects': (path) => measureDecode(path, true),
  'flow-objects': (path) => measureFlow(path, true),
};

/**
 * Heap per open flow: `flows` TCP connections, each through its handshake (SYN, SYN-ACK, ACK:
 * established, history "ShA"), decoded from real frames into a PacketView (as `flow` measures) and
 * kept open in a FlowTable. The heap and array buffers after a full GC, less before, over the
 * flow count: the flow's entry and the buffer of its numbers, its strings, the table's index.
 * Needs node --expose-gc.
 */
export function measureMemoryPerFlow(flows: number): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the memory measurement needs node --expose-gc');
  const client = { src: '10.0.0.1', dst: '93.184.216.34' };
  const server = { src: client.dst, dst: client.src };
  const eth = { src: '52:54:00:00:00:01', dst: '00:1a:2b:3c:4d:01' };
  const frames = [
    ethernetFrame(eth, ETHERTYPE_IPV4, tcpPacket(client, { srcPort: 40000, dstPort: 443, seq: 1000, ack: 0, flags: TCP.SYN })),
    ethernetFrame({ src: eth.dst, dst: eth.src }, ETHERTYPE_IPV4, tcpPacket(server, { srcPort: 443, dstPort: 40000, seq: 5000, ack: 1001, flags: TCP.SYN | TCP.ACK })),
    ethernetFrame(eth, ETHERTYPE_IPV4, tcpPacket(client, { srcPort: 40000, dstPort: 443, seq: 1001, ack: 5001, flags: TCP.ACK })),
  ];
  // Each flow has its own client address, 10.0.0.1 + i; the decoder ignores checksums.
  const patch = (frame: Buffer, i: number, fromClient: boolean) => {
    const copy = Buffer.from(frame);
    copy.writeUInt32BE(0x0a000001 + i, fromClient ? 26 : 30);
    return copy;
  };
  const startUs = 1_709_294_400_000_000;
  gc();
  gc();
  const before = process.memoryUsage();
  const table = new FlowTable();
  const view = new PacketView();
  for (let i = 0; i < flows; i++) {
    for (let k = 0; k < 3; k++) {
      const failure = decodePacketInto(view, patch(frames[k], i, k !== 1), 1, startUs + i + k, 60);
      if (failure !== null) throw new Error(`memory frame did not decode: ${failure.reason}`);
      table.add(view);
    }
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const heapBytes = after.heapUsed - before.heapUsed;
  const arrayBufferBytes = after.arrayBuffers - before.arrayBuffers;
  if (table.size !== flows) throw new Error(`expected ${flows} open flows, the table has ${table.size}`);
  return { flows, heapBytes, arrayBufferBytes, bytesPerFlow: (heapBytes + arrayBufferBytes) / flows, maxRssBytes: maxRss() };
}

export interface DigestSample {
  packets: number;
  flows: number;
  /** SHA-256 over the JSON lines of every record emitted (decode into a PacketView + FlowTable, as `flow`). */
  recordsSha256: string;
  /** The same through the objects path (`decodePacket`, the table's key-string path). */
  objectRecordsSha256: string;
  /** SHA-256 over `key` + the FlowState JSON of every put, and `key` of every delete, a store given to the table receives. */
  storeSha256: string;
  storeWrites: number;
}

/** The libraries a digest runs: this build's, or those of another build's dist (`dist`: its root). */
interface DigestLibs {
  FlowTable: typeof FlowTable;
  PacketView: typeof PacketView;
  decodePacketInto: typeof decodePacketInto;
  /** Absent from builds before it. */
  decodeFrameInto?: typeof decodeFrameInto;
  decodePacket: typeof decodePacket;
  PcapFileReader: typeof PcapFileReader;
}

function digestLibs(dist?: string): DigestLibs {
  if (dist === undefined) return { FlowTable, PacketView, decodePacketInto, decodeFrameInto, decodePacket, PcapFileReader };
  const load = createRequire(__filename);
  const lib = (name: string) => load(join(resolve(dist), 'libs', name, 'src', 'index.js')) as Record<string, unknown>;
  return { ...lib('flow'), ...lib('packet'), ...lib('pcap') } as unknown as DigestLibs;
}

/**
 * Proof that a change to the flow path left its output alone: digests of every record the bench
 * capture gives, and of every write a changelogged store receives (the FlowState JSON), to compare
 * with the same digests of another build (`dist`: e.g. the main checkout's dist). Not timed.
 */
export async function measureDigest(path: string, dist?: string): Promise<DigestSample> {
  const libs = digestLibs(dist);
  const run = async (objects: boolean, store?: FlowStateStore, inPlace = false) => {
    const hash = createHash('sha256');
    const table = new libs.FlowTable({}, store);
    const view = new libs.PacketView();
    let packets = 0;
    let flows = 0;
    const take = (records: readonly FlowRecord[]) => {
      for (const r of records) hash.update(JSON.stringify(r) + '\n');
      flows += records.length;
    };
    for await (const f of new libs.PcapFileReader(path, inPlace ? KEEP_NO_FRAME : {}).chunks()) {
      while (f.next()) {
        packets++;
        if (objects) {
          const pkt = libs.decodePacket(f.data, f.linkType, f.tsUs, f.originalLength);
          if (pkt.ok) take(table.add(pkt));
        } else if (inPlace) {
          if (libs.decodeFrameInto!(view, f.buffer, f.start, f.end, f.linkType, f.tsUs, f.originalLength) === null) take(table.add(view));
        } else if (libs.decodePacketInto(view, f.data, f.linkType, f.tsUs, f.originalLength) === null) {
          take(table.add(view));
        }
      }
    }
    take(table.flush());
    return { packets, flows, sha256: hash.digest('hex') };
  };
  const views = await run(false);
  const objects = await run(true);
  const storeHash = createHash('sha256');
  let storeWrites = 0;
  const map = new Map<string, FlowState>();
  const store: FlowStateStore = {
    get: (key) => map.get(key),
    put: (key, state) => {
      storeWrites++;
      storeHash.update(key + ' ' + JSON.stringify(state) + '\n');
      map.set(key, state);
    },
    delete: (key) => {
      storeWrites++;
      storeHash.update(key + '\n');
      map.delete(key);
    },
    entries: () => map.entries(),
    get size() {
      return map.size;
    },
  };
  const stored = await run(false, store);
  if (stored.sha256 !== views.sha256) throw new Error('the records differ with a store given to the table');
  // Frames decoded in place in their chunk (a build that has decodeFrameInto) must give the same records.
  if (libs.decodeFrameInto !== undefined && (await run(false, undefined, true)).sha256 !== views.sha256) {
    throw new Error('the records differ when frames are decoded in place (decodeFrameInto)');
  }
  return {
    packets: views.packets, flows: views.flows, recordsSha256: views.sha256, objectRecordsSha256: objects.sha256,
    storeSha256: storeHash.digest('hex'), storeWrites,
  };
}

export interface AbSample {
  packets: number;
  /** Per side: CPU and wall seconds of its frame loop (parse, decode, FlowTable), summed over the chunks; records emitted. */
  a: { cpuSeconds: number; seconds: number; flows: number };
  b: { cpuSeconds: number; seconds: number; flows: number };
  /** b / a. */
  cpuRatio: number;
  wallRatio: number;
}

/**
 * A paired comparison of two builds' `flow` (read + decode + FlowTable, each build's own way: in
 * place with `decodeFrameInto` where the build has it, else `decodePacketInto` of `data`), in one
 * process, chunk by chunk: each side reads the file with its own reader, and the loop over each
 * read chunk's frames is timed for A, then for B (B first on every other chunk), so that the load
 * of a shared machine falls on both alike, where separate runs minutes apart differ by up to
 * 30 %. The file reads (awaits) are not timed. Each side keeps its own table all through. `.` is
 * this build.
 */
export async function measureAb(path: string, distA: string, distB: string): Promise<AbSample> {
  const side = (dist: string) => {
    const libs = digestLibs(dist === '.' ? undefined : dist);
    const table = new libs.FlowTable();
    const view = new libs.PacketView();
    const inPlace = libs.decodeFrameInto;
    // (A build without reuseChunks ignores it.)
    const chunks = new libs.PcapFileReader(path, KEEP_NO_FRAME).chunks()[Symbol.asyncIterator]();
    let flows = 0;
    let packets = 0;
    const run = (f: CaptureFrameCursor) => {
      while (f.next()) {
        packets++;
        const failure = inPlace !== undefined
          ? inPlace(view, f.buffer, f.start, f.end, f.linkType, f.tsUs, f.originalLength)
          : libs.decodePacketInto(view, f.data, f.linkType, f.tsUs, f.originalLength);
        if (failure === null) flows += table.add(view).length;
      }
    };
    return { chunks, run, flush: () => (flows += table.flush().length), flows: () => flows, packets: () => packets, cpu: 0, wall: 0 };
  };
  const a = side(distA);
  const b = side(distB);
  const timed = async (s: typeof a): Promise<boolean> => {
    const next = await s.chunks.next();
    if (next.done === true) return false;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    s.run(next.value);
    s.wall += Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    s.cpu += (cpu.user + cpu.system) / 1e6;
    return true;
  };
  for (let k = 0; ; k++) {
    const [first, second] = k % 2 === 0 ? [a, b] : [b, a];
    const more = await timed(first);
    if ((await timed(second)) !== more) throw new Error('the two readers disagree on the chunks');
    if (!more) break;
  }
  a.flush();
  b.flush();
  if (a.packets() !== b.packets() || a.flows() !== b.flows()) throw new Error(`the two builds disagree: ${a.packets()} / ${b.packets()} packets, ${a.flows()} / ${b.flows()} flows`);
  const out = (s: typeof a) => ({ cpuSeconds: s.cpu, seconds: s.wall, flows: s.flows() });
  return { packets: a.packets(), a: out(a), b: out(b), cpuRatio: b.cpu / a.cpu, wallRatio: b.wall / a.wall };
}
