import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.flows).catch((error: Error) => {
  process.stderr.write(`ids-flows: ${error.message}\n`);
  process.exit(1);
});
