import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.features).catch((error: Error) => {
  process.stderr.write(`ids-features: ${error.message}\n`);
  process.exit(1);
});
