/**
 * How an order's workflow is started: with the order event in its input, never started again
 * once completed (a failed one may be), findable by order id and account. A plain start costs
 * the server less than a signal-with-start (no signal event; ~15% more starts a second in a
 * burst); an event for a running workflow is signalled instead (poller-activities.ts). The
 * poller's dispatch uses it; the benchmark's floor starts its workflows the same way.
 */
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { ACCOUNT, ORDER_ID, ORDER_STATUS } from '../workflows/search-attributes';

export function orderStartOptions(account: string, orderId: string) {
  return {
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    typedSearchAttributes: [
      { key: ORDER_ID, value: orderId },
      { key: ACCOUNT, value: account },
      // The journey's first status: its workflow need not write it again (workflows/import-order.ts).
      { key: ORDER_STATUS, value: 'Fetching' },
    ],
  };
}
