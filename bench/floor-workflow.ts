/**
 * The benchmark's "Temporal floor": an order workflow with the same activities as a real
 * importOrder run (the list comes from a real history: same types, same order, same task
 * queues), each of which does nothing. What it costs is what Temporal alone costs per order.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { allegroTaskQueue } from '../workflows/definitions';

export interface FloorStep {
  activityType: string;
  /** Scheduled on the Allegro task queue in the real history. */
  onAllegroQueue: boolean;
}

export interface FloorOrderInput {
  steps: FloorStep[];
}

type NoopActivities = Record<string, () => Promise<void>>;

const OPTIONS = { startToCloseTimeout: '1 minute' } as const;

export async function benchFloorOrder(input: FloorOrderInput): Promise<number> {
  const main = proxyActivities<NoopActivities>(OPTIONS);
  const allegro = proxyActivities<NoopActivities>({
    ...OPTIONS,
    taskQueue: allegroTaskQueue(workflowInfo().taskQueue),
  });
  for (const step of input.steps) {
    await (step.onAllegroQueue ? allegro : main)[step.activityType]();
  }
  return input.steps.length;
}
