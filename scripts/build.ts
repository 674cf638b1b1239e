/**
 * `npm run build` (also run by `npm install`): bundles the workflow code into build/, so that
 * workers start without bundling (worker/workflow-bundle.ts checks it still matches the sources).
 */
import { buildWorkflowBundle } from '../worker/workflow-bundle';

buildWorkflowBundle().then(
  ({ file, bytes }) => process.stdout.write(`workflow bundle: ${file} (${Math.round(bytes / 1024)} KiB)\n`),
  (error: unknown) => {
    process.stderr.write(`could not bundle the workflows: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
