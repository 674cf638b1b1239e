/**
 * `npm run worker` starts Node with the worker's flags (WORKER_NODE_FLAGS: the heap ceiling the
 * benchmark's and the chaos run's workers are measured with), and a process started so has it;
 * its TypeScript is loaded in the main thread only (MAIN_THREAD_TSX).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAIN_THREAD_TSX, WORKER_NODE_FLAGS } from '../../worker/start';

const ROOT = path.resolve(__dirname, '../..');

test("npm run worker passes every one of the worker's Node flags", () => {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const words = scripts.worker.split(/\s+/);
  expect(words[0]).toBe('node');
  for (const flag of WORKER_NODE_FLAGS) expect(words).toContain(flag);
  const loader = words[words.indexOf('--import') + 1];
  expect(path.resolve(ROOT, loader)).toBe(fileURLToPath(MAIN_THREAD_TSX));
});

test("the TypeScript loader hooks the main thread only: a worker thread (as the SDK's workflow threads) loads plain JS", () => {
  // Each thread tries to require a TypeScript file: only one with tsx's hooks can.
  const typescript = JSON.stringify(path.join(ROOT, 'workflows', 'page-parts.ts'));
  const probe = `(() => { try { require(${typescript}); return 'tsx'; } catch { return 'plain'; } })()`;
  // A thread from a file, as the SDK starts its workflow threads.
  const thread = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'node-flags-')), 'thread.js');
  fs.writeFileSync(thread, `require('node:worker_threads').parentPort.postMessage(${probe});`);
  const script =
    `const main = ${probe};` +
    `new (require('node:worker_threads').Worker)(${JSON.stringify(thread)})` +
    ".on('message', (inThread) => console.log(JSON.stringify([main, inThread])));";
  const run = (loader: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', loader, '-e', script], { cwd: ROOT, encoding: 'utf8' }),
    ) as string[];
  try {
    expect(run(MAIN_THREAD_TSX)).toEqual(['tsx', 'plain']);
    // What `--import tsx` did: the threads too.
    expect(run('tsx')).toEqual(['tsx', 'tsx']);
  } finally {
    fs.rmSync(path.dirname(thread), { recursive: true, force: true });
  }
});

test('the heap ceiling reaches V8 (main thread and worker threads alike)', () => {
  const script =
    "const v8 = require('node:v8'); const { Worker } = require('node:worker_threads');" +
    'const mb = () => Math.round(v8.getHeapStatistics().heap_size_limit / 1048576);' +
    "new Worker(\"require('node:worker_threads').parentPort.postMessage(Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 1048576))\", { eval: true })" +
    ".on('message', (inThread) => console.log(JSON.stringify([mb(), inThread])));";
  const [main, thread] = JSON.parse(
    execFileSync(process.execPath, [...WORKER_NODE_FLAGS, '-e', script], { encoding: 'utf8' }),
  ) as [number, number];
  // The old space's ceiling plus the young generation's few tens of MB.
  for (const limit of [main, thread]) {
    expect(limit).toBeGreaterThanOrEqual(512);
    expect(limit).toBeLessThan(640);
  }
});
