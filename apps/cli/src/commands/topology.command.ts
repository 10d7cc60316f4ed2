import type { Command } from 'commander';
import { allStageTopologies } from '@ids/stage-host';

export function registerTopology(program: Command): void {
  program.command('topology')
    .description('Describe the topology of every stage (sources, processors, stores, sinks).')
    .action(() => {
      for (const t of allStageTopologies()) process.stdout.write(t.describe() + '\n');
    });
}
