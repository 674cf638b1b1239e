/**
 * The fulfilment watcher of one Allegro account (workflow id `fulfilment:<account>`): every N
 * seconds it scans Optima for the account's order documents changed since its last scan, and
 * for each order that moved on sets Allegro's fulfillment status and adds the tracking number.
 *
 * One watcher per account instead of keeping every order workflow open: the order workflow's
 * history and command order stay as they are (kept histories replay unchanged, no patch), an
 * order does not hold a workflow open for days, and one query a run finds every change. Each
 * order's steps show in this workflow's history as activities carrying the order id.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { FulfilmentRules } from '../domain/fulfilment';
import type { FulfilmentActivities } from '../activities/types';
import { allegroTaskQueue } from './definitions';

export function fulfilmentWorkflowId(account: string): string {
  return `fulfilment:${account}`;
}

export interface FulfilmentInput {
  account: string;
  rules: FulfilmentRules;
  everySeconds: number;
  state?: FulfilmentState;
}

export interface FulfilmentState {
  /** TrN_TS_Mod the next scan starts after. */
  since: string;
  runs: number;
  statusesSet: number;
  shipmentsAdded: number;
  lastError: string | null;
  /** The last step applied per order (`status|waybill`): a document seen again asks nothing new. */
  applied: Record<string, string>;
}

export const fulfilmentStatusQuery = defineQuery<FulfilmentState & { account: string }>('fulfilmentStatus');
export const scanNowSignal = defineSignal('scanNow');

const RUNS_BEFORE_CONTINUE_AS_NEW = 500;
const APPLIED_CAP = 5000;
const ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

export async function watchFulfilment(input: FulfilmentInput): Promise<void> {
  const state: FulfilmentState = input.state ?? {
    since: '1900-01-01 00:00:00',
    runs: 0,
    statusesSet: 0,
    shipmentsAdded: 0,
    lastError: null,
    applied: {},
  };
  let wake = true;
  setHandler(fulfilmentStatusQuery, () => ({ ...state, account: input.account }));
  setHandler(scanNowSignal, () => {
    wake = true;
  });
  const { scanFulfilment } = proxyActivities<FulfilmentActivities>(ACTIVITY);
  const allegro = proxyActivities<FulfilmentActivities>({
    ...ACTIVITY,
    taskQueue: allegroTaskQueue(workflowInfo().taskQueue),
  });
  const { account } = input;
  for (let runs = 1; ; runs++) {
    await condition(() => wake, input.everySeconds * 1000);
    wake = false;
    try {
      const scan = await scanFulfilment({ account, since: state.since, rules: input.rules });
      for (const step of scan.steps) {
        const signature = `${step.status ?? ''}|${step.shipment?.waybill ?? ''}`;
        if (state.applied[step.orderId] === signature) continue;
        if (step.status) {
          const set = await allegro.setOrderFulfilment({ account, orderId: step.orderId, status: step.status });
          if (set.changed) state.statusesSet++;
        }
        if (step.shipment) {
          const added = await allegro.addTrackingNumber({ account, orderId: step.orderId, ...step.shipment });
          if (added.added) state.shipmentsAdded++;
        }
        delete state.applied[step.orderId];
        state.applied[step.orderId] = signature;
      }
      const keys = Object.keys(state.applied);
      for (let i = 0; i < keys.length - APPLIED_CAP; i++) delete state.applied[keys[i]];
      state.since = scan.since;
      state.lastError = null;
    } catch (error) {
      state.lastError = error instanceof Error ? error.message.slice(0, 500) : String(error);
      log.warn('fulfilment scan failed', { account, error: state.lastError });
    }
    state.runs++;
    if (runs >= RUNS_BEFORE_CONTINUE_AS_NEW || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof watchFulfilment>({ ...input, state });
    }
  }
}
