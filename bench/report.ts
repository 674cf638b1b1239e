/** The benchmark's result as a table for the terminal, and as the JSON file. */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchResult } from './result';
import type { TimingSummary } from './histories';

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
const mb = (value: number | null) => (value === null ? 'n/a (no /proc)' : `${value.toFixed(0)} MB`);
const rate = (value: number) => `${value.toFixed(1)} orders/s`;

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

function stepTable(title: string, timings: TimingSummary): string {
  const header = ['step', 'count', 'queue', 'run', 'queue+run'];
  const rows = timings.steps.map((s) => [
    s.activityType,
    String(s.count),
    ms(s.meanQueueMs),
    ms(s.meanRunMs),
    ms(s.meanTotalMs),
  ]);
  rows.push([
    '(workflow tasks)',
    timings.workflowTasksPerOrder.toFixed(1),
    ms(timings.meanWorkflowTaskQueueMs),
    ms(timings.meanWorkflowTaskRunMs),
    ms(timings.meanWorkflowTaskQueueMs + timings.meanWorkflowTaskRunMs),
  ]);
  timings.workflowTasksInOrder.forEach((task, i) =>
    rows.push([`  workflow task ${i + 1}`, '', ms(task.queueMs), ms(task.runMs), ms(task.queueMs + task.runMs)]),
  );
  rows.push(['(between steps, total)', '', '', '', ms(timings.meanBetweenStepsMs)]);
  rows.push(['(whole order)', String(timings.workflows), '', '', ms(timings.meanOrderMs)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [`${title} (means over ${timings.workflows} orders' histories)`, line(header), ...rows.map(line)].join('\n');
}

/** The JSON file of `npm run bench` (NaN, e.g. a percentile of nothing, becomes null). */
export function writeResultJson(file: string, result: BenchResult): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** Issue 15's goals, each beside this run's figure (✓ met, ✗ not, ? not measured). */
export function goalRows(r: BenchResult): [string, string][] {
  const server = r.cpuMsPerOrder.temporalServer;
  const cpu = (phase: 'drain' | 'steady') => r.cpuMsPerOrder.worker[phase] + (server ? server[phase] : NaN);
  const goals: [string, number | null, number, (n: number) => string][] = [
    ['p95 event → document (steady)', r.steady.latencyMs.p95, 1200, ms],
    ['worker peak RSS (drain)', r.worker.drainPeakRssMb, 400, mb],
    ['worker spawn → ready', r.worker.startToReadyMs, 3000, ms],
    ['CPU per order, worker + server (drain)', cpu('drain'), 120, ms],
    ['CPU per order, worker + server (steady)', cpu('steady'), 120, ms],
  ];
  return goals.map(([label, value, goal, unit]) => {
    const known = value !== null && Number.isFinite(value);
    const mark = !known ? '?' : value <= goal ? '✓' : '✗';
    return [label, `${mark} ${known ? unit(value) : 'n/a'} (goal ≤ ${unit(goal)})`];
  });
}

export function formatReport(r: BenchResult): string {
  const o = r.options;
  const t = o.tuning;
  return [
    '',
    `allegro-optima benchmark, ${r.startedAt}`,
    table([
      [
        'machine',
        `${r.machine.cores} cores (${r.machine.cpuModel}), ${r.machine.totalMemoryMb} MB, ${r.machine.platform}/${r.machine.arch}`,
      ],
      [
        'versions',
        `Node ${r.versions.node}, Temporal SDK ${r.versions.temporalSdk}, CLI ${r.versions.temporalCli ?? 'n/a (external server)'}, server ${r.versions.temporalServer ?? 'n/a'}`,
      ],
      ['Temporal', `${o.temporal}${o.externalServer ? ' (external)' : ' (dev server, in memory)'}`],
      [
        'options',
        `--orders ${o.orders} --steady-seconds ${o.steadySeconds} --rate ${o.rate} --latency-ms ${o.latencyMs} --poll-interval ${o.pollIntervalSeconds}`,
      ],
      [
        'worker tuning',
        `activities ${t.maxConcurrentActivityTaskExecutions} + Allegro ${t.maxConcurrentAllegroActivityTaskExecutions}, workflow tasks ${t.maxConcurrentWorkflowTaskExecutions}, cached workflows ${t.maxCachedWorkflows}, Allegro queue ${o.allegroRequestsPerMinute}/min, dispatch ${o.dispatchConcurrency} at once, page ${o.pageSize}; Optima commits ${o.optimaFsync ? 'fsync' : 'reach the OS, no fsync'}; workflow stack traces ${t.workflowStackTraces ? 'on' : 'off'}, deadlock guard ${t.workflowDeadlockGuard ? 'on' : 'off'}`,
      ],
    ]),
    '',
    table([
      [
        '1. drain',
        `${r.drain.documents}/${r.drain.orders} documents in ${r.drain.seconds.toFixed(1)} s = ${rate(r.drain.ordersPerSecond)}`,
      ],
      [
        '   workflows closed',
        `${r.drain.workflowsSeconds.toFixed(1)} s = ${rate(r.drain.workflowsPerSecond)} (from worker spawn: ${r.drain.secondsFromWorkerSpawn.toFixed(1)} s to the last document)`,
      ],
      [
        '2. Temporal floor',
        `${r.floor.workflows} workflows × ${r.floor.activitiesPerWorkflow} empty activities in ${r.floor.seconds.toFixed(1)} s = ${rate(r.floor.ordersPerSecond)}`,
      ],
      [
        '   one-activity floor',
        `${r.floorOneActivity.workflows} workflows × 1 empty activity (${r.floorOneActivity.activity}) in ${r.floorOneActivity.seconds.toFixed(1)} s = ${rate(r.floorOneActivity.ordersPerSecond)}; CPU per order: worker ${ms(r.floorOneActivity.cpuMsPerOrder.worker)}${r.floorOneActivity.cpuMsPerOrder.temporalServer === null ? '' : ` + Temporal server ${ms(r.floorOneActivity.cpuMsPerOrder.temporalServer)}`}`,
      ],
      [
        '   drain ÷ floor',
        `${r.drainVsFloor.toFixed(2)}× the Temporal floor (to the last document: ${r.drainDocumentsVsFloor.toFixed(2)}×)`,
      ],
      [
        '3. steady state',
        `${r.steady.orders} orders at ${r.steady.ratePerSecond}/s for ${r.steady.seconds} s, poller every ${r.steady.pollIntervalSeconds} s: ${r.steady.documents} imported, ${r.steady.needsAttention} need a person`,
      ],
      [
        '   event → document',
        `p50 ${ms(r.steady.latencyMs.p50)}, p95 ${ms(r.steady.latencyMs.p95)}, p99 ${ms(r.steady.latencyMs.p99)} (mean ${ms(r.steady.latencyMs.mean)}, max ${ms(r.steady.latencyMs.max)})`,
      ],
      [
        '   of which',
        `event → workflow started p50 ${ms(r.steady.latencySplitMs.toStart.p50)}, p95 ${ms(r.steady.latencySplitMs.toStart.p95)}; started → document p50 ${ms(r.steady.latencySplitMs.startToDocument.p50)}, p95 ${ms(r.steady.latencySplitMs.startToDocument.p95)}`,
      ],
      [
        '4. worker cost',
        `spawn → ready ${ms(r.worker.startToReadyMs)}; peak RSS ${mb(r.worker.peakRssMb)} (drain ${mb(r.worker.drainPeakRssMb)}, steady ${mb(r.worker.steadyPeakRssMb)})`,
      ],
      [
        '   CPU per order',
        (['drain', 'steady', 'floor'] as const)
          .map((phase) => {
            const server = r.cpuMsPerOrder.temporalServer;
            return `${phase}: worker ${ms(r.cpuMsPerOrder.worker[phase])}${server ? ` + Temporal server ${ms(server[phase])}` : ''}`;
          })
          .join('; ') + `; simulator and bench ${ms(r.cpuMsPerOrder.benchProcess)} (drain)`,
      ],
      [
        '   event-loop delay',
        (['drain', 'steady', 'floor'] as const)
          .map(
            (phase) =>
              `${phase} p99 ${ms(r.worker.eventLoopDelayMs[phase].p99Ms)} (max ${ms(r.worker.eventLoopDelayMs[phase].maxMs)})`,
          )
          .join(', '),
      ],
      [
        '   floor worker',
        `spawn → ready ${ms(r.worker.floorWorkerStartToReadyMs)}; peak RSS ${mb(r.worker.floorWorkerPeakRssMb)}`,
      ],
      [
        'checks',
        `${r.checks.documents}/${r.checks.orders} orders have a document, ${r.checks.needsAttention} need a person, ${r.checks.duplicates} duplicates, ${r.checks.missing} missing`,
      ],
      ...Object.entries(r.steady.needsAttentionReasons).map(([reason, n]): [string, string] => [
        '   needs a person',
        `${n} × ${reason}`,
      ]),
    ]),
    '',
    'Goals (issue 15)',
    table(goalRows(r)),
    '',
    '5. per step',
    stepTable('steady state', r.timings.steady),
    stepTable('drain', r.timings.drain),
    stepTable('floor', r.timings.floor),
    '',
    `Dominant step (steady state): ${r.timings.dominantStep.activityType}, ${ms(r.timings.dominantStep.meanTotalMs)} per order ` +
      `(${(r.timings.dominantStep.shareOfOrder * 100).toFixed(0)}% of the order's ${ms(r.timings.steady.meanOrderMs)}); ` +
      `between the steps (workflow tasks, dispatch): ${ms(r.timings.steady.meanBetweenStepsMs)} ` +
      `(${((r.timings.steady.meanBetweenStepsMs / r.timings.steady.meanOrderMs) * 100).toFixed(0)}%).`,
    '',
  ].join('\n');
}
