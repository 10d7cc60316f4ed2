// One measurement of the signature benchmark, in a process of its own (run.ts starts it pinned):
//
//   node signature-child.js prefilter|ac|engine|decode-engine PCAP RULES [PASSES]
//
// Untimed first: the capture read into memory (PcapFileReader), the rules parsed and compiled
// (that time is reported as `loadSeconds`), and for `ac` / `engine` every frame decoded and its
// flow key made (all but decode-engine). Then the timed loop, once over the whole capture:
//   prefilter      WuManberMatcher (the engine's prefilter) over the rules' fast patterns, scan() of every TCP/UDP payload
//   ac             AhoCorasickMatcher (the former prefilter) over the same patterns, scan() of every TCP/UDP payload
//   engine         SignatureEngine.inspect(frame, decoded, flowKey) of every decoded packet
//   decode-engine  decodePacket + flowKey + inspect of every frame
// PASSES (default 1): the timed loop runs that many times, each pass with a fresh engine or matcher
// (same alerts each time); the figures are the last pass's, `passes` has every pass's times. The
// first pass includes V8 compiling the hot code (the cold figure); a later one is the steady state
// of a long-running stage.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { AhoCorasickMatcher, SignatureEngine, WuManberMatcher } from '@ids/detection';
import { flowKey } from '@ids/flow';
import { decodePacket, type DecodedPacket } from '@ids/packet';
import { PcapFileReader, type CaptureFrame } from '@ids/pcap';
import { parseRuleFile, type Rule } from '@ids/rules';

export const CHILD_MODES = ['prefilter', 'ac', 'engine', 'decode-engine'] as const;
export type ChildMode = (typeof CHILD_MODES)[number];

export interface ChildSample {
  mode: ChildMode;
  packets: number;
  /** TCP and UDP payload bytes of the decoded packets. */
  payloadBytes: number;
  payloadPackets: number;
  /** prefilter, ac: pattern occurrences reported; engine: alerts (one per rule per packet). */
  matches: number;
  /** Packets with at least one match / alert. */
  matchedPackets: number;
  /** Sids that alerted (engine) or pattern ids found (ac), distinct. */
  distinct: number;
  rules: number;
  parseErrors: number;
  /** parseRuleFile + constructing the engine or matcher. */
  loadSeconds: number;
  seconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  stats?: Record<string, number>;
  /** Wall and CPU seconds of each pass (PASSES > 1), the first one cold; the other figures are the last pass's. */
  passes?: PassTime[];
}

export interface PassTime {
  seconds: number;
  cpuSeconds: number;
}

interface Decoded {
  frame: Buffer;
  pkt: DecodedPacket;
  key: string;
}

async function readFrames(path: string): Promise<CaptureFrame[]> {
  const frames: CaptureFrame[] = [];
  for await (const batch of new PcapFileReader(path).batches()) for (const f of batch) frames.push(f);
  return frames;
}

const payloadOf = (frame: Buffer, pkt: DecodedPacket) => frame.subarray(pkt.payloadOffset, pkt.payloadOffset + Math.max(0, Math.min(pkt.payloadLength, frame.length - pkt.payloadOffset)));
const carriesPayload = (pkt: DecodedPacket) => (pkt.ipProto === 6 || pkt.ipProto === 17) && pkt.payloadLength > 0;

function decodeAll(frames: CaptureFrame[]): Decoded[] {
  const out: Decoded[] = [];
  for (const f of frames) {
    const pkt = decodePacket(f.data, f.linkType, f.tsUs, f.originalLength);
    if (pkt.ok) out.push({ frame: f.data, pkt, key: flowKey(pkt) });
  }
  return out;
}

function clock(): () => { seconds: number; cpuSeconds: number } {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

function load(rulesPath: string): { rules: Rule[]; parseErrors: number } {
  const { rules, errors } = parseRuleFile(readFileSync(rulesPath, 'utf8'), { file: rulesPath });
  return { rules, parseErrors: errors.length };
}

async function measure(mode: ChildMode, pcap: string, rulesPath: string, passes = 1): Promise<ChildSample> {
  const frames = await readFrames(pcap);
  const decoded = mode === 'decode-engine' ? null : decodeAll(frames);
  const times: PassTime[] = [];
  let last: ChildSample | null = null;
  for (let p = 0; p < passes; p++) {
    last = measurePass(mode, frames, decoded, rulesPath);
    times.push({ seconds: last.seconds, cpuSeconds: last.cpuSeconds });
  }
  return passes > 1 ? { ...last!, passes: times } : last!;
}

function measurePass(mode: ChildMode, frames: CaptureFrame[], decoded: Decoded[] | null, rulesPath: string): ChildSample {
  let payloadBytes = 0;
  let payloadPackets = 0;
  let matches = 0;
  let matchedPackets = 0;
  const distinct = new Set<number>();
  const loaded = clock();
  const { rules, parseErrors } = load(rulesPath);
  if (mode === 'ac' || mode === 'prefilter') {
    const patterns = rules.filter((r) => r.fastPattern !== null).map((r) => ({ bytes: r.fastPattern!.bytes, nocase: r.fastPattern!.nocase }));
    const matcher = mode === 'ac' ? new AhoCorasickMatcher(patterns) : new WuManberMatcher(patterns);
    const loadSeconds = loaded().seconds;
    const payloads = decoded!.filter((d) => carriesPayload(d.pkt)).map((d) => payloadOf(d.frame, d.pkt));
    let hit = false;
    const onMatch = (id: number) => {
      matches++;
      hit = true;
      distinct.add(id);
    };
    const stop = clock();
    for (let i = 0; i < payloads.length; i++) {
      hit = false;
      matcher.scan(payloads[i], onMatch);
      payloadBytes += payloads[i].length;
      if (hit) matchedPackets++;
    }
    const time = stop();
    payloadPackets = payloads.length;
    return { mode, packets: decoded!.length, payloadBytes, payloadPackets, matches, matchedPackets, distinct: distinct.size, rules: rules.length, parseErrors, loadSeconds, ...time, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  }
  const engine = new SignatureEngine(rules);
  const loadSeconds = loaded().seconds;
  let packets = 0;
  const count = (pkt: DecodedPacket, found: readonly { rule: Rule }[]) => {
    packets++;
    if (carriesPayload(pkt)) {
      payloadPackets++;
      payloadBytes += pkt.payloadLength;
    }
    if (found.length > 0) {
      matchedPackets++;
      matches += found.length;
      for (const m of found) distinct.add(m.rule.sid);
    }
  };
  const stop = clock();
  if (decoded !== null) {
    for (let i = 0; i < decoded.length; i++) {
      const d = decoded[i];
      count(d.pkt, engine.inspect(d.frame, d.pkt, d.key));
    }
  } else {
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      const pkt = decodePacket(f.data, f.linkType, f.tsUs, f.originalLength);
      if (!pkt.ok) continue;
      count(pkt, engine.inspect(f.data, pkt, flowKey(pkt)));
    }
  }
  const time = stop();
  return {
    mode, packets, payloadBytes, payloadPackets, matches, matchedPackets, distinct: distinct.size, rules: rules.length, parseErrors, loadSeconds, ...time,
    maxRssBytes: process.resourceUsage().maxRSS * 1024, stats: { ...engine.stats },
  };
}

if (require.main === module) {
  const [mode, pcap, rules, passesText] = process.argv.slice(2);
  const passes = passesText === undefined ? 1 : Number(passesText);
  if (!CHILD_MODES.includes(mode as ChildMode) || pcap === undefined || rules === undefined || !Number.isInteger(passes) || passes < 1) {
    console.error(`usage: signature-child.js ${CHILD_MODES.join('|')} PCAP RULES [PASSES]`);
    process.exit(2);
  }
  measure(mode as ChildMode, pcap, rules, passes).then(
    (s) => console.log(JSON.stringify(s)),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack : String(err));
      process.exit(1);
    },
  );
}
