import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.inference).catch((error: Error) => {
  process.stderr.write(`ids-inference: ${error.message}\n`);
  process.exit(1);
});
