/** The chaos run's timings: paid → order workflow started and paid → document, per paid order. */
import type { Client } from '@temporalio/client';
import { orderWorkflowId } from '../../workflows/definitions';

export interface Percentiles {
  count: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  maxSeconds: number | null;
  minSeconds: number | null;
  /** How many reached it within 10 s, 30 s and 60 s: a stall shows as a low early count. */
  within: { '10s': number; '30s': number; '60s': number };
}

export function percentiles(seconds: number[]): Percentiles {
  const sorted = [...seconds].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0
      ? null
      : Number(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(2));
  const within = (limit: number) => sorted.filter((value) => value <= limit).length;
  return {
    count: sorted.length,
    p50Seconds: at(0.5),
    p95Seconds: at(0.95),
    maxSeconds: at(1),
    minSeconds: sorted.length === 0 ? null : Number(sorted[0].toFixed(2)),
    within: { '10s': within(10), '30s': within(30), '60s': within(60) },
  };
}

/** When each order's workflow first started (the earliest run of its id), from Temporal's visibility. */
export async function workflowStarts(client: Client, taskQueue: string): Promise<Map<string, number>> {
  const starts = new Map<string, number>();
  for await (const run of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND WorkflowType = 'importOrder'`,
  })) {
    const at = run.startTime.getTime();
    starts.set(run.workflowId, Math.min(at, starts.get(run.workflowId) ?? at));
  }
  return starts;
}

export function paidTo(paidAt: Map<string, number>, reached: (orderId: string) => number | undefined): Percentiles {
  const seconds: number[] = [];
  for (const [orderId, paid] of paidAt) {
    const at = reached(orderId);
    if (at !== undefined) seconds.push(Math.max(0, (at - paid) / 1000));
  }
  return percentiles(seconds);
}

export const startedOf = (starts: Map<string, number>, account: string) => (orderId: string) =>
  starts.get(orderWorkflowId(account, orderId));
