/** The benchmark's timings read back from histories: per step, and per workflow task of an order. */
import { summarise, timelineOf } from '../../bench/histories';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

/** A history of `tasks` workflow tasks, each [scheduled, started, completed] in ms. */
function history(tasks: [number, number, number][]) {
  let id = 1;
  const events: object[] = [{ eventId: id++, eventTime: at(0), workflowExecutionStartedEventAttributes: {} }];
  for (const [scheduled, started, completed] of tasks) {
    const scheduledId = id++;
    events.push({ eventId: scheduledId, eventTime: at(scheduled), workflowTaskScheduledEventAttributes: {} });
    const startedId = id++;
    events.push({
      eventId: startedId,
      eventTime: at(started),
      workflowTaskStartedEventAttributes: { scheduledEventId: scheduledId },
    });
    events.push({
      eventId: id++,
      eventTime: at(completed),
      workflowTaskCompletedEventAttributes: { startedEventId: startedId },
    });
  }
  const end = tasks[tasks.length - 1][2];
  events.push({ eventId: id++, eventTime: at(end), workflowExecutionCompletedEventAttributes: {} });
  return events;
}

describe('summarise', () => {
  it('gives each workflow task of an order its own means, so the slow one shows', () => {
    const a = timelineOf(
      'a',
      history([
        [0, 10, 20],
        [100, 110, 170],
      ]),
    );
    const b = timelineOf(
      'b',
      history([
        [0, 20, 30],
        [100, 120, 200],
        [300, 300, 301],
      ]),
    );
    const summary = summarise([a, b]);
    expect(summary.workflowTasksInOrder).toEqual([
      { queueMs: 15, runMs: 10 },
      { queueMs: 15, runMs: 70 },
      { queueMs: 0, runMs: 1 },
    ]);
    expect(summary.workflowTasksPerOrder).toBe(2.5);
  });
});
