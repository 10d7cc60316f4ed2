import type { Command } from 'commander';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCapture, summarizeAnalysis } from '@ids/stages';
import type { FlowRecord } from '@ids/contracts';

export function registerAnalyze(program: Command): void {
  program.command('analyze [file]')
    .description('Run the topology on a capture file on the embedded runtime (no Kafka, registry or ClickHouse) and print a summary.')
    .option('-r, --read <file>', 'capture file to read (pcap or pcapng); same as the positional argument')
    .option('-l, --log-dir <dir>', 'write flows.json and features.json (one record per line) into this folder')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string | undefined, opts: { read?: string; logDir?: string; json?: boolean }) => {
      const path = opts.read ?? file;
      if (!path) throw Object.assign(new Error('no capture file given (ids analyze FILE or -r FILE)'), { code: 'CAPTURE_MISSING_ARGUMENT' });
      let flowsOut: ReturnType<typeof createWriteStream> | undefined;
      let featuresOut: ReturnType<typeof createWriteStream> | undefined;
      if (opts.logDir) {
        mkdirSync(opts.logDir, { recursive: true });
        flowsOut = createWriteStream(join(opts.logDir, 'flows.json'));
        featuresOut = createWriteStream(join(opts.logDir, 'features.json'));
      }
      const collected: FlowRecord[] = [];
      const started = process.hrtime.bigint();
      const result = await analyzeCapture(path, flowsOut ? {
        flowSink: { writeFlows: async (flows: FlowRecord[]) => { for (const f of flows) flowsOut!.write(JSON.stringify(f) + '\n'); collected.push(...flows); } },
        featureSink: (vectors) => { for (const v of vectors) featuresOut!.write(JSON.stringify(v) + '\n'); },
      } : {});
      for (const out of [flowsOut, featuresOut]) if (out) await new Promise<void>((resolve) => out.end(resolve));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const summary = summarizeAnalysis(path, flowsOut ? { ...result, flows: collected } : result, seconds);
      process.stdout.write(opts.json ? JSON.stringify(summary.data, null, 2) + '\n' : summary.text);
    });
}
