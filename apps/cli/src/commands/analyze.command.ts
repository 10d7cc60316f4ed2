import type { Command } from 'commander';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { InferenceEngine } from '@ids/inference';
import { ruleVariablesFrom } from '@ids/stage-host';
import { AnalysisTally, analyzeCapture, DefragmentingFrameKeyer, formatRuleError, loadSignatureRules, SignatureRulesUnreadableError, summarizeAnalysis, type LoadedSignatureRules } from '@ids/stages';
import type { FlowRecord } from '@ids/contracts';
import { SignatureEngine, toSignatureHitRecord } from '@ids/detection';
import { signatureAlert, toEveJson } from '@ids/fusion';
import { flowKey } from '@ids/flow';
import { decodePacket } from '@ids/packet';
import { PcapFileReader } from '@ids/pcap';
import { CliError, EXIT } from '../cli-error';

/**
 * Both layers by default, as the stages run them: the shipped rules as the models, each from the
 * working directory when it is there (`-S` / `--models` point elsewhere, `--no-rules` leaves the
 * signature engine out).
 */
const DEFAULT_RULES = 'rules';

/** Rules of `-S`, or exit 2 when the path cannot be read; rules that do not load are printed and skipped. */
function loadRulesOrExit(path: string, vars: Record<string, string>): LoadedSignatureRules {
  let loaded: LoadedSignatureRules;
  try {
    loaded = loadSignatureRules(path, { vars });
  } catch (e) {
    if (e instanceof SignatureRulesUnreadableError) throw new CliError(e.message, EXIT.badInput);
    throw e;
  }
  for (const e of loaded.errors) process.stderr.write(`${formatRuleError(e)}\n`);
  return loaded;
}

/**
 * The signature engine straight over the capture (fragments reassembled as the capture stage
 * does), one EVE alert line per match in packet order. Returns the number of alerts.
 */
async function detectSignatures(capturePath: string, rules: LoadedSignatureRules, write: (line: string) => void): Promise<number> {
  const engine = new SignatureEngine(rules.rules);
  const keyer = new DefragmentingFrameKeyer();
  let alerts = 0;
  for await (const read of new PcapFileReader(capturePath)) {
    const keyed = keyer.accept({ tsUs: read.tsUs, originalLength: read.originalLength, linkType: read.linkType, data: read.data });
    if (keyed === null) continue;
    const { frame } = keyed;
    const pkt = decodePacket(frame.data, frame.linkType, frame.tsUs, frame.originalLength);
    if (!pkt.ok) continue;
    for (const m of engine.inspect(frame.data, pkt, keyed.key ?? flowKey(pkt))) {
      write(toEveJson(signatureAlert(toSignatureHitRecord(m))) + '\n');
      alerts++;
    }
  }
  return alerts;
}

/**
 * A batch of records as JSON lines, in one write; waits while the file's buffer is full, so a disk
 * slower than the run does not make its memory grow. Nothing without a file (no --log-dir).
 */
async function writeLines<T>(out: WriteStream | undefined, records: readonly T[], line: (record: T) => string): Promise<void> {
  if (out === undefined || records.length === 0) return;
  let text = '';
  for (const r of records) text += line(r) + '\n';
  if (!out.write(text)) await once(out, 'drain');
}

interface AnalyzeOptions {
  read?: string;
  logDir?: string;
  json?: boolean;
  models: string;
  /** A path, false with --no-rules, undefined for the default. */
  rules?: string | false;
  homeNet?: string;
  externalNet?: string;
}

export function registerAnalyze(program: Command): void {
  program.command('analyze [file]')
    .description('Run the topology on a capture file on the embedded runtime (no Kafka, registry or ClickHouse) and print a summary.')
    .option('-r, --read <file>', 'capture file to read (pcap or pcapng); same as the positional argument')
    .option('-l, --log-dir <dir>', 'write flows.json, features.json, ml-scores.json and alerts.json (fused alerts, EVE lines) into this folder; eve.json when rules are loaded')
    .option('-S, --rules <file|dir>', `signature rules: a file, or a directory whose *.rules are loaded in name order (default: ${DEFAULT_RULES}/ when it exists); their own alerts go to LOG_DIR/eve.json`)
    .option('--no-rules', 'run without the signature engine (ML only)')
    .option('--home-net <addresses>', 'HOME_NET rule variable, e.g. "[10.77.0.10/32]" (default: Suricata 7\'s, the private ranges); as IDS_HOME_NET for the stage')
    .option('--external-net <addresses>', 'EXTERNAL_NET rule variable (default: !$HOME_NET)')
    .option('--models <dir>', 'models directory (registry.json); the inference stage runs when it exists', 'models')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string | undefined, opts: AnalyzeOptions) => {
      const path = opts.read ?? file;
      if (!path) throw Object.assign(new Error('no capture file given (ids analyze FILE or -r FILE)'), { code: 'CAPTURE_MISSING_ARGUMENT' });
      const rulesPath = opts.rules === false ? undefined : opts.rules ?? (existsSync(DEFAULT_RULES) ? DEFAULT_RULES : undefined);
      const vars = ruleVariablesFrom({ homeNet: opts.homeNet, externalNet: opts.externalNet });
      const rules = rulesPath === undefined ? undefined : loadRulesOrExit(rulesPath, vars);
      let flowsOut: WriteStream | undefined;
      let featuresOut: WriteStream | undefined;
      let scoresOut: WriteStream | undefined;
      let alertsOut: WriteStream | undefined;
      if (opts.logDir) {
        mkdirSync(opts.logDir, { recursive: true });
        flowsOut = createWriteStream(join(opts.logDir, 'flows.json'));
        featuresOut = createWriteStream(join(opts.logDir, 'features.json'));
        scoresOut = createWriteStream(join(opts.logDir, 'ml-scores.json'));
        alertsOut = createWriteStream(join(opts.logDir, 'alerts.json'));
      }
      // One process, one capture: no hot reload, and the inference stage only when models exist.
      const engine = existsSync(join(opts.models, 'registry.json')) ? await InferenceEngine.create({ modelsDir: opts.models, watch: false }) : undefined;
      // Records stream to their files and into the tally: a run keeps none of them, whatever the capture's size.
      const tally = new AnalysisTally();
      const started = process.hrtime.bigint();
      let result;
      try {
        result = await analyzeCapture(path, {
          scorer: engine,
          signatureRules: rules?.rules,
          flowSink: { writeFlows: async (flows: FlowRecord[]) => { tally.addFlows(flows); await writeLines(flowsOut, flows, JSON.stringify); } },
          featureSink: (vectors) => writeLines(featuresOut, vectors, JSON.stringify),
          mlScoreSink: (scores) => { tally.addScores(scores); return writeLines(scoresOut, scores, JSON.stringify); },
          alertSink: (alerts) => { tally.addAlerts(alerts); return writeLines(alertsOut, alerts, toEveJson); },
        });
      } finally {
        await engine?.close();
      }
      for (const out of [flowsOut, featuresOut, scoresOut, alertsOut]) if (out) await new Promise<void>((resolve) => out.end(resolve));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (rules) {
        const eveOut = opts.logDir ? createWriteStream(join(opts.logDir, 'eve.json')) : undefined;
        const alerts = await detectSignatures(path, rules, (line) => eveOut?.write(line));
        if (eveOut) await new Promise<void>((resolve) => eveOut.end(resolve));
        // After the run: on unusable input the one line naming the problem stays the only one.
        process.stderr.write(`rules: ${rules.rules.length} loaded from ${rulesPath}, ${rules.errors.length} skipped (${rules.files.length} file(s))\n`);
        process.stderr.write(`signatures: ${alerts} alert(s)${eveOut ? ` written to ${join(opts.logDir!, 'eve.json')}` : ''}\n`);
      }
      const summary = summarizeAnalysis(path, { capture: result.capture, counters: result.counters, deadLetters: result.deadLetters.length, tally }, seconds);
      process.stdout.write(opts.json ? JSON.stringify(summary.data, null, 2) + '\n' : summary.text);
    });
}
