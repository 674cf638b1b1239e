/**
 * The mapping rules of the settings file: which entry of mappings.payment / mappings.delivery
 * an Allegro value takes. The import, the `mappings` command and the appending of missing
 * entries all ask here, so "mapped" means the same everywhere: the import finds a mapping.
 */
import type { DeliveryMapping, PaymentMapping } from './types';

/** Optima compares names and codes case-insensitively (Polish_CI_AS collation), so we do too. */
export const sameText = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').trim().toUpperCase() === (b ?? '').trim().toUpperCase();

const filled = (target: string | null | undefined) => (target ?? '').trim() !== '';

/** An entry as the settings file may hold it: the target may still be blank ("not filled in yet"). */
export type PaymentEntry = Pick<PaymentMapping, 'type'> & { provider?: string | null; paymentForm: string };
export type DeliveryEntry = Pick<DeliveryMapping, 'methodId' | 'serviceCode'>;

/**
 * 'mapped': the import finds a filled-in entry; 'empty': only entries still to be filled in
 * cover the value; 'missing': no entry covers it.
 */
export type MappingState = 'mapped' | 'empty' | 'missing';

/** An entry without provider covers every provider of its type; one with a provider only that one. */
function coversPayment(entry: PaymentEntry, type: string, provider: string | null | undefined): boolean {
  if (!sameText(entry.type, type)) return false;
  return filled(entry.provider) ? filled(provider) && sameText(entry.provider, provider) : true;
}

/**
 * The mapping for an Allegro payment: type + provider first, then the type alone. Entries
 * not filled in do not count, so a blank provider-specific one falls back to the type alone.
 */
export function findPaymentMapping<M extends PaymentEntry>(
  mappings: readonly M[],
  type: string,
  provider: string | null | undefined,
): M | undefined {
  const usable = mappings.filter((m) => filled(m.paymentForm) && coversPayment(m, type, provider));
  return usable.find((m) => filled(m.provider)) ?? usable[0];
}

export function paymentMappingState(
  mappings: readonly PaymentEntry[],
  type: string,
  provider: string | null | undefined,
): MappingState {
  if (findPaymentMapping(mappings, type, provider)) return 'mapped';
  return mappings.some((m) => coversPayment(m, type, provider)) ? 'empty' : 'missing';
}

/** Delivery method ids are Allegro UUIDs: compared as they are. */
export function findDeliveryMapping<M extends DeliveryEntry>(mappings: readonly M[], methodId: string): M | undefined {
  return mappings.find((m) => m.methodId === methodId && filled(m.serviceCode));
}

export function deliveryMappingState(mappings: readonly DeliveryEntry[], methodId: string): MappingState {
  if (findDeliveryMapping(mappings, methodId)) return 'mapped';
  return mappings.some((m) => m.methodId === methodId) ? 'empty' : 'missing';
}

/** Mag_Symbol, compared the way Optima does. */
export function findWarehouse<W extends { symbol: string }>(warehouses: readonly W[], symbol: string): W | undefined {
  return warehouses.find((w) => sameText(w.symbol, symbol));
}
