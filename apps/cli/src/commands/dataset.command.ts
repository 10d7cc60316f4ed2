import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import type { FeatureVectorRecord, FlowRecord } from '@ids/contracts';
import { FEATURE_NAMES, FEATURE_SCHEMA, FlowLabeller, parseLabels } from '@ids/features';
import { analyzeCapture } from '@ids/stages';
import { CliError, EXIT } from '../cli-error';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `ids dataset`: the feature vectors of a labelled capture, computed by the same topology that
 * serves (so training and serving cannot disagree), joined to labels.csv, as the CSV the
 * training pipeline reads.
 */
export function registerDataset(program: Command): void {
  program.command('dataset')
    .description('Write the labelled feature vectors of a capture (labelled-capture contract) as CSV for training.')
    .requiredOption('-r, --read <file>', 'capture file (pcap or pcapng)')
    .requiredOption('--labels <file>', 'labels.csv of the capture')
    .requiredOption('-o, --out <file>', 'CSV to write; a sidecar <file>.json describes it')
    .action(async (opts: { read: string; labels: string; out: string }) => {
      let labeller: FlowLabeller;
      try {
        labeller = new FlowLabeller(parseLabels(readFileSync(opts.labels, 'utf8'), opts.labels));
      } catch (error) {
        const e = error as { code?: string; message: string };
        if (e.code === 'LABELS_INVALID' || e.code === 'ENOENT') throw new CliError(e.message, EXIT.badInput);
        throw error;
      }
      const flows = new Map<string, FlowRecord>();
      const out = createWriteStream(opts.out);
      out.write(['flow_uid', 'ts', 'scenario', 'label', 'family', ...FEATURE_NAMES].join(',') + '\n');
      let rows = 0;
      const unlabelled: string[] = [];
      const pending: FeatureVectorRecord[] = [];
      const writeVector = (v: FeatureVectorRecord, flow: FlowRecord) => {
        const l = labeller.labelOf(flow);
        if (!l) {
          unlabelled.push(flow.uid);
          return;
        }
        out.write([v.flow_uid, (v.ts_us / 1e6).toFixed(6), l.scenario, l.label, l.family, ...v.values.map(String)].join(',') + '\n');
        rows++;
      };
      const result = await analyzeCapture(opts.read, {
        flowSink: { writeFlows: async (batch) => { for (const f of batch) flows.set(f.uid, f); } },
        featureSink: (batch) => {
          for (const v of batch) {
            const flow = flows.get(v.flow_uid);
            if (flow) writeVector(v, flow);
            else pending.push(v);
          }
        },
      });
      for (const v of pending) {
        const flow = flows.get(v.flow_uid);
        if (!flow) throw new Error(`feature vector of unknown flow ${v.flow_uid}`);
        writeVector(v, flow);
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const sidecar = {
        feature_schema: FEATURE_SCHEMA,
        feature_names: FEATURE_NAMES,
        rows,
        unlabelled_flows: unlabelled.length,
        packets: result.capture.frames,
        inputs: [
          { path: opts.read, sha256: await sha256(opts.read) },
          { path: opts.labels, sha256: await sha256(opts.labels) },
        ],
      };
      writeFileSync(`${opts.out}.json`, JSON.stringify(sidecar, null, 2) + '\n');
      process.stdout.write(`ids dataset: ${rows} labelled vectors (${FEATURE_NAMES.length} features, ${FEATURE_SCHEMA}) -> ${opts.out}; ${unlabelled.length} flows without a label were left out\n`);
    });
}
