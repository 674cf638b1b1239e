/**
 * `npm run worker` starts Node with the worker's flags (WORKER_NODE_FLAGS: the heap ceiling the
 * benchmark's and the chaos run's workers are measured with), and a process started so has it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WORKER_NODE_FLAGS } from '../../worker/start';

const ROOT = path.resolve(__dirname, '../..');

test("npm run worker passes every one of the worker's Node flags", () => {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const words = scripts.worker.split(/\s+/);
  expect(words[0]).toBe('node');
  for (const flag of WORKER_NODE_FLAGS) expect(words).toContain(flag);
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
