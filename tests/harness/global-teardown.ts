/** Jest globalTeardown: stops the run's Temporal dev server and removes the workflow bundle. */
import fs from 'node:fs';
import type { HarnessGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as HarnessGlobals;
  await globals.__temporalDevServer?.stop();
  if (globals.__temporalBundleDir) fs.rmSync(globals.__temporalBundleDir, { recursive: true, force: true });
}
