import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.fusion).catch((error: Error) => {
  process.stderr.write(`ids-fusion: ${error.message}\n`);
  process.exit(1);
});
