/**
 * `allegro-optima mappings`: appends the Allegro payment and delivery values that the
 * settings file does not map yet, as entries to fill in. The file is edited as a YAML
 * document, so the operator's comments, order and formatting stay as they were.
 */
import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import type { Document } from 'yaml';
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

const text = (v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : '');
const same = (a: unknown, b: unknown) => text(a) === text(b);

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
 * A payment is mapped when an entry has its type and either its provider or no provider
 * (a type-only entry covers every provider). Entries still to be filled in count as
 * present, so running the command twice appends nothing new.
 */
function paymentListed(existing: Record<string, unknown>[], value: PaymentValue): boolean {
  return existing.some((e) => same(e.type, value.type) && (!e.provider || same(e.provider, value.provider)));
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

  const added: AppendResult['added'] = { payments: [], deliveries: [] };

  const payments = sequence(doc, 'payment');
  for (const value of values.payments) {
    if (paymentListed(entries(payments), value)) continue;
    const node = doc.createNode({
      type: value.type,
      ...(value.provider ? { provider: value.provider } : {}),
      paymentForm: '',
    });
    node.commentBefore = ' added by "mappings": fill in paymentForm (the Optima payment form name, FPl_Nazwa)';
    payments.add(node);
    added.payments.push(value);
  }

  const deliveries = sequence(doc, 'delivery');
  for (const value of values.deliveries) {
    if (entries(deliveries).some((e) => e.methodId === value.methodId)) continue;
    const node = doc.createNode({
      methodId: value.methodId,
      ...(value.methodName ? { methodName: value.methodName } : {}),
      serviceCode: '',
    });
    node.commentBefore = ' added by "mappings": fill in serviceCode (the Optima delivery service code, Twr_Kod)';
    deliveries.add(node);
    added.deliveries.push(value);
  }

  return { text: added.payments.length + added.deliveries.length > 0 ? doc.toString() : yamlText, added };
}
