/**
 * Per-activity timings read back from workflow histories: for each activity, the time it
 * waited in its task queue (Scheduled → Started) and the time it ran (Started → Completed),
 * plus the order's whole time (workflow started → completed). What is left of the order's
 * time after its activities is Temporal's own: workflow tasks between the steps.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityRun {
  activityType: string;
  taskQueue: string;
  queueMs: number;
  runMs: number;
  attempt: number;
}

export interface WorkflowTimeline {
  workflowId: string;
  activities: ActivityRun[];
  workflowTasks: { queueMs: number; runMs: number }[];
  /** WorkflowExecutionStarted → WorkflowExecutionCompleted; null while it runs. */
  totalMs: number | null;
}

export interface StepTiming {
  activityType: string;
  /** Activities of this type in the sample. */
  count: number;
  meanQueueMs: number;
  meanRunMs: number;
  /** Queue + run: how long an order spends in this step. */
  meanTotalMs: number;
  /** More than one attempt (a retried failure). */
  retried: number;
}

export interface TimingSummary {
  workflows: number;
  steps: StepTiming[];
  /** Mean workflow start → completion. */
  meanOrderMs: number;
  /** Mean of the order's time not spent in an activity (scheduling it, workflow tasks). */
  meanBetweenStepsMs: number;
  workflowTasksPerOrder: number;
  /** Workflow task waiting for a worker slot (Scheduled → Started). */
  meanWorkflowTaskQueueMs: number;
  /** Workflow task on the worker (Started → Completed): replay, workflow code, local activities, the reply. */
  meanWorkflowTaskRunMs: number;
  /** The same two means for the first, second… workflow task of an order: which one is slow. */
  workflowTasksInOrder: { queueMs: number; runMs: number }[];
}

function eventMs(event: HistoryEvent): number {
  const time = event.eventTime;
  if (!time) return NaN;
  const seconds = typeof time.seconds === 'number' ? time.seconds : Number(time.seconds?.toString() ?? NaN);
  return seconds * 1000 + (time.nanos ?? 0) / 1e6;
}

const key = (id: unknown) => String(id);

export function timelineOf(workflowId: string, events: HistoryEvent[]): WorkflowTimeline {
  const scheduled = new Map<string, { activityType: string; taskQueue: string; at: number }>();
  const started = new Map<string, { at: number; attempt: number }>();
  const activities: ActivityRun[] = [];
  const workflowTasks: WorkflowTimeline['workflowTasks'] = [];
  const taskScheduled = new Map<string, number>();
  const taskStarted = new Map<string, { at: number; scheduledAt: number }>();
  let startedAt: number | undefined;
  let completedAt: number | undefined;
  for (const event of events) {
    if (event.workflowExecutionStartedEventAttributes) startedAt = eventMs(event);
    if (event.workflowExecutionCompletedEventAttributes) completedAt = eventMs(event);
    if (event.workflowTaskScheduledEventAttributes) taskScheduled.set(key(event.eventId), eventMs(event));
    const wts = event.workflowTaskStartedEventAttributes;
    if (wts)
      taskStarted.set(key(event.eventId), {
        at: eventMs(event),
        scheduledAt: taskScheduled.get(key(wts.scheduledEventId)) ?? NaN,
      });
    const wtc = event.workflowTaskCompletedEventAttributes;
    if (wtc) {
      const task = taskStarted.get(key(wtc.startedEventId));
      if (task) workflowTasks.push({ queueMs: task.at - task.scheduledAt, runMs: eventMs(event) - task.at });
    }
    const s = event.activityTaskScheduledEventAttributes;
    if (s) {
      scheduled.set(key(event.eventId), {
        activityType: s.activityType?.name ?? '?',
        taskQueue: s.taskQueue?.name ?? '?',
        at: eventMs(event),
      });
    }
    const st = event.activityTaskStartedEventAttributes;
    if (st) started.set(key(st.scheduledEventId), { at: eventMs(event), attempt: st.attempt ?? 1 });
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const from = scheduled.get(key(done.scheduledEventId));
      const run = started.get(key(done.scheduledEventId));
      if (from && run) {
        activities.push({
          activityType: from.activityType,
          taskQueue: from.taskQueue,
          queueMs: run.at - from.at,
          runMs: eventMs(event) - run.at,
          attempt: run.attempt,
        });
      }
    }
  }
  const totalMs = startedAt !== undefined && completedAt !== undefined ? completedAt - startedAt : null;
  return { workflowId, activities, workflowTasks, totalMs };
}

/** Activity types and queues, in order, of one completed workflow: what the floor repeats. */
export async function activityScheduleOf(
  client: Client,
  workflowId: string,
): Promise<{ activityType: string; taskQueue: string }[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const s = event.activityTaskScheduledEventAttributes;
    return s ? [{ activityType: s.activityType?.name ?? '?', taskQueue: s.taskQueue?.name ?? '?' }] : [];
  });
}

export async function fetchTimelines(
  client: Client,
  workflowIds: string[],
  concurrency = 8,
): Promise<WorkflowTimeline[]> {
  const timelines: WorkflowTimeline[] = [];
  let next = 0;
  const lane = async () => {
    while (next < workflowIds.length) {
      const id = workflowIds[next++];
      const history = await client.workflow.getHandle(id).fetchHistory();
      timelines.push(timelineOf(id, history.events ?? []));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, workflowIds.length) }, lane));
  return timelines;
}

const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

export function summarise(timelines: WorkflowTimeline[]): TimingSummary {
  const byType = new Map<string, ActivityRun[]>();
  for (const timeline of timelines) {
    for (const run of timeline.activities) byType.set(run.activityType, [...(byType.get(run.activityType) ?? []), run]);
  }
  const steps = [...byType].map(([activityType, runs]) => ({
    activityType,
    count: runs.length,
    meanQueueMs: mean(runs.map((r) => r.queueMs)),
    meanRunMs: mean(runs.map((r) => r.runMs)),
    meanTotalMs: mean(runs.map((r) => r.queueMs + r.runMs)),
    retried: runs.filter((r) => r.attempt > 1).length,
  }));
  const complete = timelines.filter((t): t is WorkflowTimeline & { totalMs: number } => t.totalMs !== null);
  const inActivities = (t: WorkflowTimeline) => t.activities.reduce((sum, r) => sum + r.queueMs + r.runMs, 0);
  const tasks = timelines.flatMap((t) => t.workflowTasks);
  return {
    workflows: timelines.length,
    steps,
    meanOrderMs: mean(complete.map((t) => t.totalMs)),
    meanBetweenStepsMs: mean(complete.map((t) => t.totalMs - inActivities(t))),
    workflowTasksPerOrder: timelines.length === 0 ? 0 : tasks.length / timelines.length,
    meanWorkflowTaskQueueMs: mean(tasks.map((t) => t.queueMs)),
    meanWorkflowTaskRunMs: mean(tasks.map((t) => t.runMs)),
    workflowTasksInOrder: Array.from(
      { length: Math.max(0, ...timelines.map((t) => t.workflowTasks.length)) },
      (_, i) => {
        const nth = timelines.flatMap((t) => (i < t.workflowTasks.length ? [t.workflowTasks[i]] : []));
        return { queueMs: mean(nth.map((t) => t.queueMs)), runMs: mean(nth.map((t) => t.runMs)) };
      },
    ),
  };
}

/** Evenly spaced picks, so a sample of a drain covers its start, middle and end. */
export function spreadSample<T>(items: T[], size: number): T[] {
  if (items.length <= size) return [...items];
  return Array.from({ length: size }, (_, i) => items[Math.floor((i * items.length) / size)]);
}
