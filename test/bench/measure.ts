// One run of one measurement, in a process of its own; prints its sample as one JSON line.
//   node --expose-gc dist/test/bench/measure.js read|decode|flow|analyze|decode-objects|flow-objects CAPTURE
// (decode / flow decode into a reused PacketView; the -objects variants use decodePacket, an
// object per frame, and the FlowTable's key-string path, as before.)
//   node --expose-gc dist/test/bench/measure.js memory FLOWS
//   node dist/test/bench/measure.js ab CAPTURE DIST_A DIST_B   (decode + FlowTable of two builds paired, chunk by chunk, in one process; '.' = this build)
//   node dist/test/bench/measure.js digest CAPTURE [DIST]   (SHA-256 of the records and store writes; DIST: another build's dist, to compare)
// run.ts starts it (pinned to one CPU); run it by hand with --cpu-prof to see where time goes.
import { THROUGHPUT, THROUGHPUT_MEASUREMENTS, measureAb, measureDigest, measureMemoryPerFlow, type ThroughputMeasurement } from './embedded-path.measurements';

async function main(): Promise<void> {
  const [name, arg] = process.argv.slice(2);
  if (name === 'memory') {
    const flows = Number(arg);
    if (!Number.isInteger(flows) || flows <= 0) throw new Error(`memory wants a flow count, got ${arg}`);
    console.log(JSON.stringify(measureMemoryPerFlow(flows)));
    return;
  }
  if (name === 'ab' && arg !== undefined && process.argv.length >= 6) {
    const [distA, distB] = process.argv.slice(4);
    console.log(JSON.stringify(await measureAb(arg, distA, distB)));
    return;
  }
  if (name === 'digest' && arg !== undefined) {
    console.log(JSON.stringify(await measureDigest(arg, process.argv[4])));
    return;
  }
  if (!(THROUGHPUT_MEASUREMENTS as readonly string[]).includes(name) || arg === undefined) {
    throw new Error(`usage: measure.js ${THROUGHPUT_MEASUREMENTS.join('|')} CAPTURE, or measure.js memory FLOWS`);
  }
  console.log(JSON.stringify(await THROUGHPUT[name as ThroughputMeasurement](arg)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
