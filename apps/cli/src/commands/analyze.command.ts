import type { Command } from 'commander';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { InferenceEngine } from '@ids/inference';
import { analyzeCapture, summarizeAnalysis } from '@ids/stages';
import type { FlowRecord } from '@ids/contracts';

export function registerAnalyze(program: Command): void {
  program.command('analyze [file]')
    .description('Run the topology on a capture file on the embedded runtime (no Kafka, registry or ClickHouse) and print a summary.')
    .option('-r, --read <file>', 'capture file to read (pcap or pcapng); same as the positional argument')
    .option('-l, --log-dir <dir>', 'write flows.json and features.json (one record per line) into this folder')
    .option('--models <dir>', 'models directory (registry.json); the inference stage runs when it exists', 'models')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string | undefined, opts: { read?: string; logDir?: string; json?: boolean; models: string }) => {
      const path = opts.read ?? file;
      if (!path) throw Object.assign(new Error('no capture file given (ids analyze FILE or -r FILE)'), { code: 'CAPTURE_MISSING_ARGUMENT' });
      let flowsOut: ReturnType<typeof createWriteStream> | undefined;
      let featuresOut: ReturnType<typeof createWriteStream> | undefined;
      let scoresOut: ReturnType<typeof createWriteStream> | undefined;
      if (opts.logDir) {
        mkdirSync(opts.logDir, { recursive: true });
        flowsOut = createWriteStream(join(opts.logDir, 'flows.json'));
        featuresOut = createWriteStream(join(opts.logDir, 'features.json'));
        scoresOut = createWriteStream(join(opts.logDir, 'ml-scores.json'));
      }
      // One process, one capture: no hot reload, and the inference stage only when models exist.
      const engine = existsSync(join(opts.models, 'registry.json')) ? await InferenceEngine.create({ modelsDir: opts.models, watch: false }) : undefined;
      const collected: FlowRecord[] = [];
      const started = process.hrtime.bigint();
      let result;
      try {
        result = await analyzeCapture(path, flowsOut ? {
          scorer: engine,
          flowSink: { writeFlows: async (flows: FlowRecord[]) => { for (const f of flows) flowsOut!.write(JSON.stringify(f) + '\n'); collected.push(...flows); } },
          featureSink: (vectors) => { for (const v of vectors) featuresOut!.write(JSON.stringify(v) + '\n'); },
          mlScoreSink: (scores) => { for (const s of scores) scoresOut!.write(JSON.stringify(s) + '\n'); },
        } : { scorer: engine });
      } finally {
        await engine?.close();
      }
      for (const out of [flowsOut, featuresOut, scoresOut]) if (out) await new Promise<void>((resolve) => out.end(resolve));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const summary = summarizeAnalysis(path, flowsOut ? { ...result, flows: collected } : result, seconds);
      process.stdout.write(opts.json ? JSON.stringify(summary.data, null, 2) + '\n' : summary.text);
    });
}
