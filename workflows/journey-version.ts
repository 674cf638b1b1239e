/**
 * Which way an order's journey runs its steps: by the journey version in its input (ORDER_JOURNEY
 * when the dispatch started it), or, for orders started before versions, by the patch its
 * history recorded. A recorded history must replay exactly the way it ran.
 */
import { patched } from '@temporalio/workflow';
import type { OrderRules } from '../domain/types';
import type { OrderActivities } from '../activities/types';
import type { CancelImportedOrderInput, ImportOrderInput } from './definitions';
import {
  beginMatchContractor,
  beginMatchProducts,
  createDocument,
  createDocumentLocallyFirst,
  fetchOrder,
  fetchOrderEagerly,
  findExistingDocument,
  findExistingDocumentLocally,
  matchContractor,
  matchContractorLocallyFirst,
  matchProducts,
  matchProductsLocallyFirst,
} from './order-steps';

type MatchInput = Parameters<OrderActivities['matchProducts']>[0] & Parameters<OrderActivities['matchContractor']>[0];

/** The calls of the two matching steps (each step may call its own again, after a wait). */
export interface Matching {
  products: () => ReturnType<OrderActivities['matchProducts']>;
  contractor: () => ReturnType<OrderActivities['matchContractor']>;
}

export class JourneyVersion {
  /**
   * Any journey version, or the patch 'lean-journey': one patch for the changes of 2026-11-28,
   * each a task or a visibility write less per order (every patch costs a search-attribute
   * write of its own, so they share one). matchContractor and createDocument run locally first;
   * the search attributes the dispatch starts an order with (activities/order-start.ts) are not
   * written again; the document number and the final status are written together.
   */
  readonly lean: boolean;
  /** Journey 2: matchProducts runs locally first too. */
  private readonly productsLocally: boolean;
  /** Journey 3: the local matching starts beside the merged-payment lookup. */
  private readonly matchTogether: boolean;
  /** Journey 3: the dispatch's rules, for the first read only. */
  private rulesFromStart: OrderRules | undefined;
  /** Journey 3: the first read on the order's own queue (ImportOrderInput.eagerFirstRead). */
  private eagerRead: boolean;

  /** Made where OrderJourney's constructor decided before: the patch's marker keeps its place in the history. */
  constructor(input: ImportOrderInput | CancelImportedOrderInput) {
    const journey = 'journey' in input ? input.journey : undefined;
    this.lean = journey !== undefined || patched('lean-journey');
    this.productsLocally = journey !== undefined && journey >= 2;
    const third = journey !== undefined && journey >= 3;
    this.matchTogether = third;
    this.rulesFromStart = third && 'rules' in input ? input.rules : undefined;
    this.eagerRead = third && 'eagerFirstRead' in input && input.eagerFirstRead === true;
  }

  /** The rules the dispatch read, once: the first read decides with them instead of loading them. */
  takeStartRules(): OrderRules | undefined {
    const rules = this.rulesFromStart;
    this.rulesFromStart = undefined;
    return rules;
  }

  /** The read's activity: the first one eagerly when the dispatch asked for it. */
  takeFetch(): OrderActivities['fetchOrder'] {
    const eager = this.eagerRead;
    this.eagerRead = false;
    return eager ? fetchOrderEagerly : fetchOrder;
  }

  /** Called where the lookup runs: orders recorded before it became local replay it as an activity. */
  findExisting(): OrderActivities['findExistingDocument'] {
    return this.lean || patched('find-existing-local') ? findExistingDocumentLocally : findExistingDocument;
  }

  /**
   * Journey 3 starts both local attempts now, side by side (one round trip to the worker instead
   * of two); each step then goes on from its own as locally first does (order-steps.ts). Older
   * journeys call each when its step runs, one after the other.
   */
  matching(input: () => MatchInput): Matching {
    if (this.matchTogether) return { products: beginMatchProducts(input), contractor: beginMatchContractor(input) };
    return {
      products: () => (this.productsLocally ? matchProductsLocallyFirst : matchProducts)(input()),
      contractor: () => (this.lean ? matchContractorLocallyFirst : matchContractor)(input()),
    };
  }

  createDocument(): OrderActivities['createDocument'] {
    return this.lean ? createDocumentLocallyFirst : createDocument;
  }
}
