/**
 * Typed keys of the project's search attributes (all Keyword, registered by
 * scripts/dev-server.ts). Only ids, statuses and document numbers: never personal data.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../domain/types';

export const ORDER_ID = defineSearchAttributeKey(SEARCH_ATTRIBUTES.orderId, SearchAttributeType.KEYWORD);
export const ACCOUNT = defineSearchAttributeKey(SEARCH_ATTRIBUTES.account, SearchAttributeType.KEYWORD);
export const ORDER_STATUS = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, SearchAttributeType.KEYWORD);
export const DOCUMENT_NUMBER = defineSearchAttributeKey(SEARCH_ATTRIBUTES.documentNumber, SearchAttributeType.KEYWORD);
