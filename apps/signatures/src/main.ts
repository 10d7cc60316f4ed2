import { bootstrapStage, STAGES } from '@ids/stage-host';

bootstrapStage(STAGES.signatures).catch((error: Error) => {
  process.stderr.write(`ids-signatures: ${error.message}\n`);
  process.exit(1);
});
