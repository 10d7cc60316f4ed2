import type { Command } from 'commander';
import { bootstrapStage, STAGES } from '@ids/stage-host';
import { CliError, EXIT } from '../cli-error';

export function registerRun(program: Command): void {
  program.command('run <stage>')
    .description(`Run one stage on the Kafka runtime, as its app in apps/ does (${Object.keys(STAGES).join(', ')}).`)
    .action(async (stage: string) => {
      const definition = STAGES[stage as keyof typeof STAGES];
      if (!definition) throw new CliError(`unknown stage '${stage}' (known: ${Object.keys(STAGES).join(', ')})`, EXIT.badInput);
      await bootstrapStage(definition);
    });
}
