/** Test-only workflow: buyer data in as argument, through an activity, back out as the result. */
import { proxyActivities } from '@temporalio/workflow';
import type { BUYER } from './fixtures';

export type Buyer = typeof BUYER;

export interface BuyerActivities {
  confirmationFor(buyer: Buyer): Promise<string>;
}

const { confirmationFor } = proxyActivities<BuyerActivities>({ startToCloseTimeout: '30s' });

export async function confirmBuyer(buyer: Buyer): Promise<{ confirmation: string; nip: string }> {
  return { confirmation: await confirmationFor(buyer), nip: buyer.nip };
}
