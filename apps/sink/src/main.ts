import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.sink).catch((error: Error) => {
  process.stderr.write(`ids-sink: ${error.message}\n`);
  process.exit(1);
});
