/**
 * The benchmark end to end with tiny numbers on the run's Temporal server: every phase runs,
 * every figure lands in the JSON file, the counts add up. No figure is judged: no time is
 * asserted (benchmarks print figures, they do not pass or fail on them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBenchmark, type BenchResult } from '../../bench/benchmark';
import { formatReport, writeResultJson } from '../../bench/report';
import { parseBenchArgs } from '../../bench/run';
import { testAddress, testNamespace } from '../harness/temporal';

/** Paths of every null in a parsed JSON value (NaN and missing figures are written as null). */
function nullsIn(value: unknown, at = '$'): string[] {
  if (value === null) return [at];
  if (Array.isArray(value)) return value.flatMap((item, i) => nullsIn(item, `${at}[${i}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => nullsIn(item, `${at}.${key}`));
  return [];
}

const positive = expect.any(Number);

describe('npm run bench', () => {
  it("parses its options, with the issue's defaults", () => {
    const defaults = parseBenchArgs([]);
    expect(defaults.json).toBe(path.join('bench', 'results', 'latest.json'));
    expect(defaults.options).toMatchObject({ orders: 2000, steadySeconds: 60, rate: 5, latencyMs: 40 });
    expect(defaults.options.optimaFsync).toBeUndefined(); // withDefaults: false
    expect(parseBenchArgs(['--optima-fsync']).options.optimaFsync).toBe(true);
    expect(defaults.options.tuning?.workflowStackTraces).toBe(false);
    expect(parseBenchArgs(['--workflow-stack-traces']).options.tuning?.workflowStackTraces).toBe(true);
    expect(defaults.options.tuning?.workflowDeadlockGuard).toBe(false);
    expect(parseBenchArgs(['--workflow-deadlock-guard']).options.tuning?.workflowDeadlockGuard).toBe(true);
    const given = parseBenchArgs([
      '--orders',
      '10',
      '--steady-seconds',
      '3',
      '--rate',
      '2.5',
      '--latency-ms',
      '0',
      '--json',
      'x.json',
    ]);
    expect(given).toMatchObject({ json: 'x.json', options: { orders: 10, steadySeconds: 3, rate: 2.5, latencyMs: 0 } });
    expect(() => parseBenchArgs(['--orders', 'many'])).toThrow('--orders must be a whole number');
  });

  it('drains a backlog, runs the floor and the steady state, and writes every figure', async () => {
    const lines: string[] = [];
    const bundle = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
    const result = await runBenchmark({
      orders: 10,
      steadySeconds: 3,
      rate: 5,
      latencyMs: 5,
      historySample: 10,
      temporalAddress: testAddress(),
      namespace: testNamespace(),
      ...(bundle ? { workflowBundlePath: bundle } : {}),
      log: (line) => lines.push(line),
    });

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-')), 'result.json');
    writeResultJson(file, result);
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult;
    fs.rmSync(path.dirname(file), { recursive: true, force: true });

    // Every figure is there; a server started elsewhere has no CLI version and no CPU time of ours to read.
    expect(nullsIn(json)).toEqual([
      '$.versions.temporalCli',
      '$.floorOneActivity.cpuMsPerOrder.temporalServer',
      '$.cpuMsPerOrder.temporalServer',
    ]);
    expect(json.options).toMatchObject({ orders: 10, steadySeconds: 3, rate: 5, latencyMs: 5, externalServer: true });
    expect(json.machine.cores).toBe(os.cpus().length);
    expect(json.versions.temporalSdk).toMatch(/^\d+\.\d+\.\d+/);

    // Counts: every backlog order has exactly one document; the stream's orders are imported or wait for a person.
    expect(json.drain).toMatchObject({ orders: 10, documents: 10 });
    expect(json.checks.duplicates).toBe(0);
    expect(json.checks.missing).toBe(0);
    expect(json.checks.documents + json.checks.needsAttention).toBe(json.checks.orders);
    expect(json.checks.orders).toBe(10 + json.steady.orders);
    expect(json.steady.documents + json.steady.needsAttention).toBe(json.steady.orders);
    expect(json.steady.latencyMs.count).toBe(json.steady.documents);

    // The floor repeats a real order's activities, as many workflows as the backlog.
    expect(json.floor.workflows).toBe(10);
    expect(json.floor.activitiesPerWorkflow).toBe(json.floor.activities.length);
    const types = (list: { activityType: string }[]) => [...new Set(list.map((a) => a.activityType))].sort();
    expect(types(json.floor.activities)).toEqual(types(json.timings.drain.steps));
    expect(json.drainVsFloor).toBeGreaterThan(0);
    expect(json.drainDocumentsVsFloor).toBeGreaterThan(0);
    expect(json.drain.ordersPerSecond).toBeGreaterThan(0);
    expect(json.floor.ordersPerSecond).toBeGreaterThan(0);
    // Beside it, the least a per-order workflow costs: the same start, the first activity only.
    expect(json.floorOneActivity.workflows).toBe(10);
    expect(json.floorOneActivity.activity).toBe(json.floor.activities[0].activityType);
    expect(json.floorOneActivity.ordersPerSecond).toBeGreaterThan(0);
    expect(json.floorOneActivity.cpuMsPerOrder.worker).toBeGreaterThan(0);

    // Latency and cost figures exist and are ordered the way percentiles are.
    expect(json.steady.latencyMs.p50).toBeLessThanOrEqual(json.steady.latencyMs.p95);
    expect(json.steady.latencyMs.p95).toBeLessThanOrEqual(json.steady.latencyMs.p99);
    // Split where each order's workflow started: two positive parts, each shorter than the whole.
    const { toStart, startToDocument } = json.steady.latencySplitMs;
    for (const part of [toStart, startToDocument]) {
      expect(part.count).toBe(json.steady.documents);
      expect(part.p50).toBeGreaterThan(0);
      expect(part.max).toBeLessThanOrEqual(json.steady.latencyMs.max);
    }
    expect(json.worker).toMatchObject({
      startToReadyMs: positive,
      peakRssMb: positive,
      floorWorkerPeakRssMb: positive,
    });
    expect(json.worker.peakRssMb).toBeGreaterThan(0);
    expect(json.timings.steady.steps.map((s) => s.activityType)).toContain(json.timings.dominantStep.activityType);

    const table = formatReport(result);
    expect(table).toContain('drain ÷ floor');
    expect(table).toContain('one-activity floor');
    expect(table).toContain(`Dominant step (steady state): ${json.timings.dominantStep.activityType}`);
  }, 600_000);
});
