/**
 * `npm run build` (also run by `npm install`): bundles the workflow code into build/, so that
 * workers start without bundling (worker/workflow-bundle.ts checks it still matches the sources),
 * and compiles the worker processes' entries (scripts/compiled-worker.cjs), so that none is
 * compiled at its first start.
 */
import { buildWorkflowBundle } from '../worker/workflow-bundle';
import { compileWorker } from './compiled-worker.cjs';

/** `npm run worker`'s, the chaos run's and the benchmark's worker processes. */
const WORKER_ENTRIES = ['starter/worker.ts', 'bench/chaos/worker.ts', 'bench/worker-process.ts'];

async function build(): Promise<void> {
  const { file, bytes } = await buildWorkflowBundle();
  process.stdout.write(`workflow bundle: ${file} (${Math.round(bytes / 1024)} KiB)\n`);
  for (const entry of WORKER_ENTRIES) process.stdout.write(`worker: ${await compileWorker(entry)}\n`);
}

build().catch((error: unknown) => {
  process.stderr.write(`could not build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
