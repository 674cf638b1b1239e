/**
 * `allegro-optima mappings`: appends the Allegro payment and delivery values that the
 * settings file does not map yet, as entries to fill in. The file is edited as a YAML
 * document, so the operator's comments, order and formatting stay as they were.
 */
import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import type { Document } from 'yaml';
import { deliveryMappingState, paymentMappingState } from '../domain/mappings';
import { SettingsError } from './settings';

export interface PaymentValue {
  type: string;
  provider?: string | null;
}

export interface DeliveryValue {
  methodId: string;
  methodName?: string | null;
}

export interface AppendResult {
  text: string;
  added: { payments: PaymentValue[]; deliveries: DeliveryValue[] };
}

/** A YAML value where the settings expect text; anything else matches nothing. */
const textOf = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The list at mappings.<key>, created (block style) when absent. */
function sequence(doc: Document, key: 'payment' | 'delivery'): YAMLSeq {
  const path = ['mappings', key];
  const node = doc.getIn(path, true);
  if (isSeq(node)) {
    node.flow = false;
    return node;
  }
  if (node !== undefined && node !== null) {
    throw new SettingsError([`mappings.${key}: must be a list`], 'settings file');
  }
  const seq = new YAMLSeq();
  doc.setIn(path, seq);
  return seq;
}

function entries(seq: YAMLSeq): Record<string, unknown>[] {
  return seq.items.filter(isMap).map((m) => m.toJSON() as Record<string, unknown>);
}

/**
 * Listed = the import's own rule finds an entry for the value, filled in or not: entries
 * still to be filled in count, so running the command twice appends nothing new.
 */
function paymentListed(existing: Record<string, unknown>[], value: PaymentValue): boolean {
  const payments = existing.map((e) => ({
    type: textOf(e.type) ?? '',
    provider: textOf(e.provider),
    paymentForm: textOf(e.paymentForm) ?? '',
  }));
  return paymentMappingState(payments, value.type, value.provider) !== 'missing';
}

function deliveryListed(existing: Record<string, unknown>[], value: DeliveryValue): boolean {
  const deliveries = existing.map((e) => ({
    methodId: textOf(e.methodId) ?? '',
    serviceCode: textOf(e.serviceCode) ?? '',
  }));
  return deliveryMappingState(deliveries, value.methodId) !== 'missing';
}

/** One kind of mapping: where its list is, when a value is listed, and the entry to fill in. */
interface MappingKind<V> {
  key: 'payment' | 'delivery';
  listed(existing: Record<string, unknown>[], value: V): boolean;
  entry(value: V): Record<string, unknown>;
  comment: string;
}

const PAYMENTS: MappingKind<PaymentValue> = {
  key: 'payment',
  listed: paymentListed,
  entry: (value) => ({ type: value.type, ...(value.provider ? { provider: value.provider } : {}), paymentForm: '' }),
  comment: ' added by "mappings": fill in paymentForm (the Optima payment form name, FPl_Nazwa)',
};

const DELIVERIES: MappingKind<DeliveryValue> = {
  key: 'delivery',
  listed: deliveryListed,
  entry: (value) => ({
    methodId: value.methodId,
    ...(value.methodName ? { methodName: value.methodName } : {}),
    serviceCode: '',
  }),
  comment: ' added by "mappings": fill in serviceCode (the Optima delivery service code, Twr_Kod)',
};

/** Appends an entry for each value not listed yet; returns the values appended. */
function appendMissing<V>(doc: Document, kind: MappingKind<V>, values: V[]): V[] {
  const seq = sequence(doc, kind.key);
  const added: V[] = [];
  for (const value of values) {
    if (kind.listed(entries(seq), value)) continue;
    const node = doc.createNode(kind.entry(value));
    node.commentBefore = kind.comment;
    seq.add(node);
    added.push(value);
  }
  return added;
}

export function appendMissingMappings(
  yamlText: string,
  values: { payments: PaymentValue[]; deliveries: DeliveryValue[] },
): AppendResult {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0)
    throw new SettingsError(
      doc.errors.map((e) => e.message),
      'settings file',
    );
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new SettingsError(['the file must hold a map of keys at the top level'], 'settings file');
  }

  const added: AppendResult['added'] = {
    payments: appendMissing(doc, PAYMENTS, values.payments),
    deliveries: appendMissing(doc, DELIVERIES, values.deliveries),
  };
  return { text: added.payments.length + added.deliveries.length > 0 ? doc.toString() : yamlText, added };
}
