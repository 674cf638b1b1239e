/**
 * Jest globalSetup: ONE Temporal dev server for the whole run (random free port, in-memory,
 * headless), or the server named by TEMPORAL_ADDRESS; and ONE bundle of workflows/index.ts,
 * so test files don't each spend seconds bundling. Both are handed to test workers via env.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { generateCodecKey } from '../../encryption/keys';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { WORKFLOWS_INDEX } from './paths';

/** globalSetup and globalTeardown run in the same process; globalThis carries the server across. */
export interface HarnessGlobals {
  __temporalDevServer?: DevServer;
  __temporalBundleDir?: string;
}

async function bundleSharedWorkflows(dir: string): Promise<void> {
  if (!fs.existsSync(WORKFLOWS_INDEX)) return;
  try {
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_INDEX,
      logger: new DefaultLogger('WARN'),
    });
    const file = path.join(dir, 'workflow-bundle.js');
    fs.writeFileSync(file, code);
    process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE = file;
  } catch (error) {
    // Only tests that need the project's workflows fail (runWorker rethrows this), not the whole run.
    process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE_ERROR = `Bundling ${WORKFLOWS_INDEX} failed: ${String(error)}`;
  }
}

export default async function globalSetup(): Promise<void> {
  const globals = globalThis as HarnessGlobals;
  const server = await startDevServer({
    port: 0,
    uiPort: false,
    locate: { log: (message) => process.stderr.write(`\n[temporal] ${message}\n`) },
  });
  globals.__temporalDevServer = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_NAMESPACE = server.namespace;
  // Every worker and client of the run encrypts payloads, as in production: the tests prove the codec.
  process.env.AO_CODEC_KEYS ??= generateCodecKey('test');

  globals.__temporalBundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'allegro-optima-bundle-'));
  await bundleSharedWorkflows(globals.__temporalBundleDir);
}
