/**
 * How an order's workflow is signalled-with-start: with the order event, never started again
 * once completed (a failed one may be), findable by order id and account. The poller's
 * dispatch uses it; the benchmark's floor starts its workflows the same way.
 */
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { orderEventSignal, type OrderEventSignal } from '../workflows/definitions';
import { ACCOUNT, ORDER_ID, ORDER_STATUS } from '../workflows/search-attributes';

export function orderSignalWithStart(account: string, orderId: string, event: OrderEventSignal) {
  return {
    signal: orderEventSignal,
    signalArgs: [event] as [OrderEventSignal],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    typedSearchAttributes: [
      { key: ORDER_ID, value: orderId },
      { key: ACCOUNT, value: account },
      // The journey's first status: its workflow need not write it again (workflows/import-order.ts).
      { key: ORDER_STATUS, value: 'Fetching' },
    ],
  };
}
