/** start, stop, reset, pause, resume, import-now: the poller of one Allegro account. */
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { toPollerInput, type Settings } from '../../config/settings';
import {
  importNowSignal,
  pauseSignal,
  pollerStartOptions,
  resumeSignal,
  type PollerInput,
  type PollerState,
  type PollerStatus,
  type ResetTarget,
} from '../../workflows/definitions';
import { ACCOUNT } from '../../workflows/search-attributes';
import {
  EXIT,
  exactlyOne,
  flag,
  parseIsoDate,
  stringOption,
  TOOL,
  UsageError,
  type CommandSpec,
  type ParsedInput,
} from '../command';
import type { CommandContext } from '../context';
import {
  awaitPollerStatus,
  describePoller,
  executionText,
  pollerStatusLines,
  queryPollerStatus,
  resetPoller,
  runningPoller,
  workflowPollers,
  WORKFLOW_TYPES,
  carriedPollerState,
  type PollerExecution,
} from '../ops';

/** The state a stopped poller had, so `start` goes on from its cursor instead of from "now". */
async function previousState(
  ctx: CommandContext,
  client: Client,
  poller: PollerExecution,
): Promise<PollerState | undefined> {
  if (poller.execution === 'NOT_STARTED') return undefined;
  let status: PollerStatus;
  try {
    // A closed run still answers queries: a worker replays its history.
    status = await queryPollerStatus(ctx, client, poller.handle);
  } catch (error) {
    throw new Error(
      `cannot read where the previous poller run (${executionText(poller.execution)}) stopped: ${(error as Error).message}\n` +
        `Start a worker, or use --fresh to start from import.initialSync instead.`,
    );
  }
  return carriedPollerState(status);
}

export const start: CommandSpec = {
  name: 'start',
  summary: "start the account's poller workflow (idempotent)",
  usage: '[--fresh]',
  description: [
    'Starts the poller workflow poller:<account> on the task queue of the settings. When it already runs, nothing changes.',
    "A poller that was stopped before goes on from its cursor (its last run's state is read with a query, which needs a worker); " +
      'the first start of an account, or --fresh, begins at import.initialSync ("now" by default, or a date to backfill from).',
    'The poller uses the settings as they are now (mappings, import rules, schedule): after changing them, stop and start it.',
  ],
  options: {
    fresh: { type: 'boolean', description: 'ignore a previous run and start from import.initialSync' },
  },
  exitCodes: {
    0: 'the poller runs (started now or already running)',
    3: 'started, but no worker polls the task queue yet',
  },
  async run(ctx, input) {
    const settings = ctx.settings();
    const account = ctx.account();
    const client = await ctx.temporal();
    const poller = await describePoller(client, account);
    if (poller.execution === 'RUNNING') {
      ctx.out(`The poller ${poller.workflowId} is already running (run ${poller.runId}).`);
      return EXIT.ok;
    }
    const state = flag(input, 'fresh') ? undefined : await previousState(ctx, client, poller);
    const pollerInput = { ...pollerInputByReference(settings, account), ...(state ? { state } : {}) };
    const startOptions = pollerStartOptions(account, settings.temporal.taskQueue);
    const { taskQueue } = startOptions;
    try {
      const handle = await client.workflow.start(WORKFLOW_TYPES.poller, {
        ...startOptions,
        args: [pollerInput],
        typedSearchAttributes: [{ key: ACCOUNT, value: account }],
      });
      ctx.out(
        `Started the poller ${handle.workflowId} (run ${handle.firstExecutionRunId}) on task queue "${taskQueue}".`,
      );
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      ctx.out(`The poller ${poller.workflowId} is already running (started meanwhile).`);
      return EXIT.ok;
    }
    ctx.out(
      state
        ? `It goes on from the previous run: cursor ${state.cursor ?? '(oldest kept event)'}${state.backfillFrom ? `, backfill from ${state.backfillFrom}` : ''}.`
        : `It begins at ${settings.import.initialSync === 'now' ? 'the newest Allegro event ("now")' : settings.import.initialSync}.`,
    );
    if ((await workflowPollers(client, ctx.temporalTarget.namespace, taskQueue)) === 0) {
      ctx.out(`No worker polls task queue "${taskQueue}" yet: start one (npm run worker) or nothing will happen.`);
      return EXIT.attention;
    }
    return EXIT.ok;
  },
};

export const stop: CommandSpec = {
  name: 'stop',
  summary: "stop the account's poller (cancel, or --terminate), with a reason",
  usage: '[--reason TEXT] [--terminate]',
  description: [
    'Cancels the poller workflow: it stops at its next step and Temporal records the reason. A later `start` goes on from its cursor.',
    'Order workflows already started are not touched: they finish (or keep waiting for a person) on their own.',
    '--terminate ends it at once without letting it run again (use it when no worker is there to take the cancellation).',
  ],
  options: {
    reason: { type: 'string', valueName: 'TEXT', description: 'why it is stopped (shown in the Temporal UI)' },
    terminate: { type: 'boolean', description: 'terminate instead of cancel' },
  },
  exitCodes: {
    0: 'the poller is stopped (or was not running)',
    3: 'cancellation requested, but the poller has not stopped yet (no worker?)',
  },
  async run(ctx, input) {
    const client = await ctx.temporal();
    const poller = await describePoller(client, ctx.account());
    if (poller.execution !== 'RUNNING') {
      ctx.out(`The poller ${poller.workflowId} is not running (${executionText(poller.execution)}).`);
      return EXIT.ok;
    }
    const reason =
      stringOption(input, 'reason') ?? `stopped with '${TOOL} stop' by ${os.userInfo().username}@${os.hostname()}`;
    if (flag(input, 'terminate')) {
      await poller.handle.terminate(reason);
      ctx.out(`Terminated the poller ${poller.workflowId}: ${reason}`);
      return EXIT.ok;
    }
    // The SDK's handle.cancel() has no reason; the service call does.
    await client.workflowService.requestCancelWorkflowExecution({
      namespace: ctx.temporalTarget.namespace,
      workflowExecution: { workflowId: poller.workflowId, runId: poller.runId },
      identity: client.options.identity,
      requestId: randomUUID(),
      reason,
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const now = await describePoller(client, ctx.account());
      if (now.execution !== 'RUNNING' || now.runId !== poller.runId) {
        ctx.out(`Stopped the poller ${poller.workflowId} (${executionText(now.execution)}): ${reason}`);
        return EXIT.ok;
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    ctx.out(
      `Asked the poller ${poller.workflowId} to stop, but it still runs: is a worker polling "${ctx.settings().temporal.taskQueue}"? ` +
        `Use --terminate to end it without a worker.`,
    );
    return EXIT.attention;
  },
};

function printStatus(ctx: CommandContext, headline: string, status: PollerStatus): void {
  ctx.out(headline);
  for (const line of pollerStatusLines(status, new Date())) ctx.out(line);
}

function resetTarget(input: ParsedInput): ResetTarget {
  const which = exactlyOne(input, ['to-event', 'now', 'to-date']);
  if (which === 'now') return { to: 'now' };
  if (which === 'to-event') {
    const eventId = stringOption(input, 'to-event') ?? '';
    if (!/^\d+$/.test(eventId))
      throw new UsageError(`--to-event takes an Allegro event id (a number), got "${eventId}"`);
    return { to: 'event', eventId };
  }
  const date = parseIsoDate(stringOption(input, 'to-date') ?? '', '--to-date');
  if (Date.parse(date) > Date.now()) throw new UsageError(`--to-date ${date} is in the future`);
  return { to: 'date', date };
}

export const reset: CommandSpec = {
  name: 'reset',
  summary: 'move the poller to an event id, to "now", or back to a date',
  usage: '(--to-event ID | --now | --to-date ISO)',
  description: [
    "Sends the poller's reset update and prints its new status. The poller then runs at once.",
    '--to-event ID: read the events after this Allegro event id. --now: skip everything up to the newest event. ' +
      '--to-date ISO: read again from this date; within the event journal (60 days) the events are read again, ' +
      'older dates are backfilled from the checkout-form list first.',
    'Reading again is safe: each order is one workflow (id order:<account>:<checkoutFormId>), and an order already imported is never imported twice.',
  ],
  options: {
    'to-event': { type: 'string', valueName: 'ID', description: 'go on after this event id' },
    now: { type: 'boolean', description: 'go on from the newest event' },
    'to-date': {
      type: 'string',
      valueName: 'ISO',
      description: 'go back to this date (e.g. 2026-03-01T08:00:00+01:00; a date alone is 00:00 UTC)',
    },
  },
  exitCodes: { 3: 'the poller took the reset but reports an error (shown)' },
  async run(ctx, input) {
    const target = resetTarget(input);
    const { client, poller } = await runningPoller(ctx);
    const status = await resetPoller(ctx, client, poller.handle, target);
    printStatus(ctx, `Reset the poller ${poller.workflowId}:`, status);
    return status.lastError ? EXIT.attention : EXIT.ok;
  },
};

export const pause: CommandSpec = {
  name: 'pause',
  summary: 'pause the poller (it keeps its cursor; orders already started go on)',
  usage: '',
  description: ['Sends the pause signal and prints the status once the poller shows it is paused.'],
  options: {},
  async run(ctx) {
    const { client, poller } = await runningPoller(ctx);
    await poller.handle.signal(pauseSignal);
    const { status, changed } = await awaitPollerStatus(ctx, client, poller.handle, (s) => s.paused);
    printStatus(ctx, changed ? `Paused the poller ${poller.workflowId}:` : 'Pause sent, not yet applied:', status);
    return changed ? EXIT.ok : EXIT.attention;
  },
};

export const resume: CommandSpec = {
  name: 'resume',
  summary: 'resume a paused poller (it runs at once)',
  usage: '',
  description: ['Sends the resume signal; the poller runs at once and then on its schedule.'],
  options: {},
  async run(ctx) {
    const { client, poller } = await runningPoller(ctx);
    await poller.handle.signal(resumeSignal);
    const { status, changed } = await awaitPollerStatus(ctx, client, poller.handle, (s) => !s.paused);
    printStatus(ctx, changed ? `Resumed the poller ${poller.workflowId}:` : 'Resume sent, not yet applied:', status);
    return changed ? EXIT.ok : EXIT.attention;
  },
};

export const importNow: CommandSpec = {
  name: 'import-now',
  summary: 'make the poller read Allegro now instead of at its next run',
  usage: '',
  description: [
    'Sends the importNow signal and waits (up to 15 s) until the poller finished that run, then prints its status.',
    'A paused poller ignores it: resume it instead.',
  ],
  options: {},
  exitCodes: { 3: 'the poller is paused, did not finish the run in time, or reports an error' },
  async run(ctx) {
    const { client, poller } = await runningPoller(ctx);
    const before = await queryPollerStatus(ctx, client, poller.handle);
    if (before.paused) {
      printStatus(ctx, `The poller ${poller.workflowId} is paused: '${TOOL} resume' runs it at once.`, before);
      return EXIT.attention;
    }
    await poller.handle.signal(importNowSignal);
    // Every finished run sets a new next-run time (and, when it succeeded, the last import).
    const { status, changed } = await awaitPollerStatus(
      ctx,
      client,
      poller.handle,
      (s) => s.nextRunAt !== before.nextRunAt || s.lastImportAt !== before.lastImportAt,
    );
    printStatus(
      ctx,
      changed ? `The poller ${poller.workflowId} ran:` : 'Import requested; the run has not finished yet:',
      status,
    );
    return changed && !status.lastError ? EXIT.ok : EXIT.attention;
  },
};

/**
 * A new poller's input without the import rules: the orders it starts read the settings in
 * force (the workers re-read their file), so a fixed mapping needs no poller restart.
 */
export function pollerInputByReference(settings: Settings, account: string): PollerInput {
  const { policy: _pinned, ...input } = toPollerInput(settings, account);
  return input;
}
