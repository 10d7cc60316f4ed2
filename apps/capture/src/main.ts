import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.capture).catch((error: Error) => {
  process.stderr.write(`ids-capture: ${error.message}\n`);
  process.exit(1);
});
