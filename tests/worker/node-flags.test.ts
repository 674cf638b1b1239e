/**
 * `npm run worker` starts Node with the worker's flags (WORKER_NODE_FLAGS: the heap ceiling the
 * benchmark's and the chaos run's workers are measured with), and a process started so has it;
 * its TypeScript runs compiled into one JS file (COMPILED_WORKER), recompiled when a source changed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compiledPath } from '../../scripts/compiled-worker.cjs';
import { SCHEMA_FILE } from '../../dev/embedded-optima/schema';
import { COMPILED_WORKER, WORKER_NODE_FLAGS } from '../../worker/start';

const ROOT = path.resolve(__dirname, '../..');

test("npm run worker passes every one of the worker's Node flags and runs starter/worker.ts compiled", () => {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const words = scripts.worker.split(/\s+/);
  expect(words[0]).toBe('node');
  for (const flag of WORKER_NODE_FLAGS) expect(words).toContain(flag);
  const launcher = words.findIndex((word) => path.resolve(ROOT, word) === COMPILED_WORKER);
  expect(launcher).toBeGreaterThan(0);
  expect(words[launcher + 1]).toBe('starter/worker.ts');
});

describe('a compiled worker entry', () => {
  // build/ is not in git: a test entry there leaves the tree clean.
  const entry = path.join('build', `compiled-entry-test-${process.pid}.ts`);
  const compiled = compiledPath(entry);
  const write = (word: string) =>
    fs.writeFileSync(
      path.join(ROOT, entry),
      "import { SCHEMA_FILE } from '../dev/embedded-optima/schema';\n" +
        `console.log(JSON.stringify({ word: '${word}', args: process.argv.slice(2), schema: SCHEMA_FILE, ` +
        "tsLoader: require.extensions['.ts'] !== undefined }));\n",
    );
  const run = () =>
    JSON.parse(
      execFileSync(process.execPath, [COMPILED_WORKER, entry, '--settings', 'x.yaml'], { cwd: ROOT, encoding: 'utf8' }),
    ) as { word: string; args: string[]; schema: string; tsLoader: boolean };
  afterAll(() => {
    for (const file of [path.join(ROOT, entry), compiled, `${compiled}.inputs.json`]) fs.rmSync(file, { force: true });
  });

  test('runs without a TypeScript loader, with its own arguments and each module its own __dirname', () => {
    write('first');
    expect(run()).toEqual({ word: 'first', args: ['--settings', 'x.yaml'], schema: SCHEMA_FILE, tsLoader: false });
    expect(fs.existsSync(compiled)).toBe(true);
  });

  test('is compiled again when a source changed, and not when none did', () => {
    write('second');
    expect(run().word).toBe('second');
    const compiledAt = fs.statSync(compiled).mtimeMs;
    expect(run().word).toBe('second');
    expect(fs.statSync(compiled).mtimeMs).toBe(compiledAt);
  });
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
