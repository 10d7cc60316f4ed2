import type { Command } from 'commander';
import { ModelLoadError, ModelMetadataInvalidError, ModelNotAvailableError } from '@ids/inference';
import { ConsumerStoppedError } from '@ids/kafka';
import { bootstrapStage, STAGES } from '@ids/stage-host';
import { SignatureRulesUnreadableError } from '@ids/stages';
import { CliError, EXIT } from '../cli-error';

/** What a stage refuses at start because of its input (rules, models): bad input, not a bug. */
const START_INPUT_ERRORS = [SignatureRulesUnreadableError, ModelMetadataInvalidError, ModelLoadError, ModelNotAvailableError];

export function registerRun(program: Command): void {
  program.command('run <stage>')
    .description(`Run one stage on the Kafka runtime, as its app in apps/ does (${Object.keys(STAGES).join(', ')}).`)
    .action(async (stage: string) => {
      const definition = STAGES[stage as keyof typeof STAGES];
      if (!definition) throw new CliError(`unknown stage '${stage}' (known: ${Object.keys(STAGES).join(', ')})`, EXIT.badInput);
      try {
        await bootstrapStage(definition);
      } catch (error) {
        if (START_INPUT_ERRORS.some((type) => error instanceof type)) throw new CliError(`ids-${stage}: ${(error as Error).message}`, EXIT.badInput);
        if (error instanceof ConsumerStoppedError) throw new CliError(`ids-${stage}: ${error.message}`, EXIT.unavailable);
        throw error;
      }
    });
}
