/**
 * Test helpers on the run's shared Temporal server (started once by global-setup.ts).
 * Connections are opened lazily, cached per test file and closed in an afterAll registered
 * here, because the native bridge keeps jest alive while any of them is open.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { WORKFLOWS_INDEX } from './paths';
import type { DataConverter } from '@temporalio/common';
import { dataConverterFromEnvironment } from '../../encryption/data-converter';
import { cachedCliPath, findOnPath } from '../../scripts/temporal-cli';

/** The `temporal` CLI binary tests drive, as an operator would: the one on PATH, else ours in the cache. */
export function temporalCliBinary(): string {
  return findOnPath('temporal') ?? cachedCliPath();
}

export function testAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address)
    throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests through jest (jest.config.js globalSetup)');
  return address;
}

export function testNamespace(): string {
  return process.env.TEMPORAL_TEST_NAMESPACE ?? 'default';
}

/** A name no other test (or earlier run on a persistent server) uses: task queues, workflow ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

let connection: Promise<Connection> | undefined;
let nativeConnection: Promise<NativeConnection> | undefined;

export function testConnection(): Promise<Connection> {
  connection ??= Connection.connect({ address: testAddress() });
  return connection;
}

/** The run's payload codec (AO_CODEC_KEYS, set by the global setup): what the worker and the CLI use. */
export function testDataConverter(): DataConverter | undefined {
  return dataConverterFromEnvironment(process.env);
}

export async function testClient(): Promise<Client> {
  const dataConverter = testDataConverter();
  return new Client({
    connection: await testConnection(),
    namespace: testNamespace(),
    ...(dataConverter ? { dataConverter } : {}),
  });
}

function installQuietRuntime(): void {
  try {
    // Worker lifecycle INFO lines would bury the test output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process.
  }
}

export function testNativeConnection(): Promise<NativeConnection> {
  if (!nativeConnection) {
    installQuietRuntime();
    nativeConnection = NativeConnection.connect({ address: testAddress() });
  }
  return nativeConnection;
}

/** Closes this test file's connections; registered as afterAll below, callable earlier. */
export async function closeTestConnections(): Promise<void> {
  const open = [connection, nativeConnection];
  connection = undefined;
  nativeConnection = undefined;
  await Promise.all(open.map(async (pending) => (await pending)?.close()));
}

if (typeof afterAll === 'function') afterAll(closeTestConnections);

const bundles = new Map<string, Promise<WorkflowBundleOption>>();

/** The shared bundle for workflows/index.ts (made once per run), else one bundle per path per test file. */
function workflowBundle(workflowsPath: string | undefined): Promise<WorkflowBundleOption> {
  const resolved = workflowsPath ? require.resolve(path.resolve(workflowsPath)) : WORKFLOWS_INDEX;
  if (resolved === WORKFLOWS_INDEX) {
    const shared = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
    if (shared) return Promise.resolve({ codePath: shared });
    const failure = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE_ERROR;
    return Promise.reject(new Error(failure ?? `${WORKFLOWS_INDEX} does not exist (yet)`));
  }
  let bundle = bundles.get(resolved);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath: resolved, logger: new DefaultLogger('WARN') }).then(({ code }) => ({
      code,
    }));
    bundles.set(resolved, bundle);
  }
  return bundle;
}

export type RunWorkerOptions = Omit<WorkerOptions, 'connection' | 'workflowsPath' | 'workflowBundle'> & {
  /** Workflow module to run; default: the project's workflows/index.ts (bundled once per run). */
  workflowsPath?: string;
};

/**
 * Runs a Worker on the shared server while `fn` runs, then shuts it down (also when `fn` throws)
 * and returns what `fn` returned.
 */
export async function runWorker<T>(options: RunWorkerOptions, fn: (worker: Worker) => Promise<T>): Promise<T> {
  const { workflowsPath, ...workerOptions } = options;
  const dataConverter = testDataConverter();
  const worker = await Worker.create({
    namespace: testNamespace(),
    ...(dataConverter ? { dataConverter } : {}),
    ...workerOptions,
    connection: await testNativeConnection(),
    workflowBundle: await workflowBundle(workflowsPath),
  });
  return worker.runUntil(() => fn(worker));
}

/** Activity types that completed in a workflow's history, in completion order; local ones too (not loadOrderRules, read with each read of the order). */
export async function completedActivityTypes(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, string>();
  const completed: string[] = [];
  for (const event of events) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name && event.eventId != null) scheduled.set(event.eventId.toString(), name);
    const done = event.activityTaskCompletedEventAttributes?.scheduledEventId;
    if (done != null) completed.push(scheduled.get(done.toString()) ?? '?');
    const marker = event.markerRecordedEventAttributes;
    // A failed local attempt (a marker with its failure) did not complete.
    const local = marker?.failure ? undefined : localActivityOf(marker);
    if (local && local !== 'loadOrderRules') completed.push(local);
  }
  return completed;
}

/** Every local activity a run recorded, in order: failed attempts and loadOrderRules too. */
export async function localActivityTypes(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((event) => localActivityOf(event.markerRecordedEventAttributes) ?? []);
}

/** A local activity's type, from the marker the SDK's core records (its data is plain JSON). */
function localActivityOf(
  marker:
    | {
        markerName?: string | null;
        details?: Record<string, { payloads?: { data?: Uint8Array | null }[] | null }> | null;
      }
    | null
    | undefined,
): string | undefined {
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  return (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type;
}
