import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ids/contracts';
import { encodePcap, PcapFileReader, type PcapWriteFrame } from '@ids/pcap';

/**
 * Event time only moves forward on a topic, and the end-to-end tests share the cluster's topics:
 * a capture replayed with timestamps behind what an earlier test wrote (a live capture's "now",
 * another replay) is late data there. Each test that checks flows or alerts therefore replays its
 * capture at a start time of its own: an hour ahead of now, and after every span handed out
 * before on this machine (kept in .local, so it holds across test files and runs).
 */
export function replayStartUs(spanUs: number): number {
  const file = join(repoRoot(), '.local', 'e2e-replay-clock');
  const last = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
  const start = Math.max(Date.now() * 1000 + 3_600_000_000, (Number.isFinite(last) ? last : 0) + 60_000_000);
  mkdirSync(join(repoRoot(), '.local'), { recursive: true });
  writeFileSync(file, String(start + spanUs));
  return start;
}

/** The frames of `file`, moved to start at `replayStartUs` (span: the capture plus `extraUs`). */
export async function framesAtReplayTime(file: string, extraUs = 0): Promise<PcapWriteFrame[]> {
  const frames: PcapWriteFrame[] = [];
  for await (const f of new PcapFileReader(file)) frames.push({ tsUs: f.tsUs, data: Buffer.from(f.data), originalLength: f.originalLength });
  const span = frames[frames.length - 1].tsUs - frames[0].tsUs + extraUs;
  const shift = replayStartUs(span) - frames[0].tsUs;
  return frames.map((f) => ({ ...f, tsUs: f.tsUs + shift }));
}

export function writeCapture(file: string, frames: PcapWriteFrame[]): string {
  writeFileSync(file, encodePcap(frames));
  return file;
}

/**
 * The capture with its 10.77.0.0/16 addresses moved to a /16 of this run's own. The host windows
 * count the last 100 connections to a responder whenever they came, and other tests replay this
 * capture into the same topics within the hour the windows remember a host: its vectors would
 * then count their connections too, which the embedded oracle cannot know. No checksum is checked
 * on the way to flows, so only the address bytes change. `prefix`: the new addresses' first octets.
 */
export function withHostsOfItsOwn(frames: PcapWriteFrame[]): { frames: PcapWriteFrame[]; prefix: string } {
  const octet = 100 + (Math.floor(Date.now() / 60_000) % 100);
  const moved = frames.map((f) => {
    const data = Buffer.from(f.data);
    if (data.length >= 34 && data.readUInt16BE(12) === 0x0800) {
      for (const at of [26, 30]) if (data[at] === 10 && data[at + 1] === 77) data[at + 1] = octet;
    }
    return { ...f, data };
  });
  return { frames: moved, prefix: `10.${octet}.` };
}
