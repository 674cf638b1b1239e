/**
 * Test-only workflow for the foundation test: two stand-in activities, a retried transient
 * failure and a search attribute update, enough to prove the harness runs real workflows.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../../domain/types';

export const ORDER_ID_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.orderId, SearchAttributeType.KEYWORD);
export const DOCUMENT_NUMBER_KEY = defineSearchAttributeKey(
  SEARCH_ATTRIBUTES.documentNumber,
  SearchAttributeType.KEYWORD,
);

export interface StandInOrder {
  id: string;
  totalMinor: number;
}

export interface StandInActivities {
  fetchOrder(id: string): Promise<StandInOrder>;
  writeDocument(order: StandInOrder): Promise<string>;
}

const { fetchOrder, writeDocument } = proxyActivities<StandInActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '50ms', maximumAttempts: 3 },
});

export async function importStandInOrder(orderId: string): Promise<{ documentNumber: string; totalMinor: number }> {
  const order = await fetchOrder(orderId);
  const documentNumber = await writeDocument(order);
  upsertSearchAttributes([{ key: DOCUMENT_NUMBER_KEY, value: documentNumber }]);
  return { documentNumber, totalMinor: order.totalMinor };
}
