import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigInvalidError } from '@ids/config';
import { CliError, EXIT } from './cli-error';
import { registerAnalyze } from './commands/analyze.command';
import { registerTopics } from './commands/topics.command';
import { registerTopology } from './commands/topology.command';
import { registerMigrate } from './commands/migrate.command';
import { registerRun } from './commands/run.command';
import { registerCapture } from './commands/capture.command';
import { registerDataset } from './commands/dataset.command';

const program = new Command('ids')
  .description('Hybrid network intrusion detection on Kafka: capture, flows, signatures, ML, fusion, ClickHouse.')
  .showHelpAfterError();
registerAnalyze(program);
registerCapture(program);
registerDataset(program);
registerTopics(program);
registerTopology(program);
registerMigrate(program);
registerRun(program);

/** Known errors become one line on stderr and an exit status; nothing prints a stack trace. */
function fail(error: unknown): never {
  const e = error as { code?: string; message?: string };
  if (error instanceof CliError) {
    process.stderr.write(`ids: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigInvalidError) {
    process.stderr.write(`ids: ${error.message}\n`);
    process.exit(EXIT.badInput);
  }
  if (typeof e?.code === 'string' && /^(PCAP|CAPTURE)_/.test(e.code)) {
    process.stderr.write(`ids: ${e.message}\n`);
    process.exit(EXIT.badInput);
  }
  if (typeof e?.code === 'string' && /^(ENOENT|EACCES|EISDIR)$/.test(e.code)) {
    process.stderr.write(`ids: ${e.message}\n`);
    process.exit(EXIT.badInput);
  }
  if (e?.code === 'SCHEMA_REGISTRY_REQUEST_FAILED') {
    process.stderr.write(`ids: ${e.message}\n`);
    process.exit(EXIT.unavailable);
  }
  if ((error as Error)?.name?.startsWith('KafkaJS') || (e?.code && /ECONNREFUSED/.test(e.code))) {
    process.stderr.write(`ids: cannot reach a dependency: ${e?.message}\n`);
    process.exit(EXIT.unavailable);
  }
  process.stderr.write(`ids: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(EXIT.internal);
}

program.parseAsync(process.argv).catch(fail);
