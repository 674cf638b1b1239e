/**
 * What the other parts get from the settings: one order's import rules, a poller's input,
 * and a copy safe to print.
 */
import type { ImportPolicy } from '../../domain/types';
import type { PollerInput, PollerSchedule } from '../../workflows/definitions';
import { SettingsError } from './messages';
import { durationSeconds, SECRET_KEYS, type Settings } from './schema';

const REDACTED = '***';

/** The import rules one order's workflow gets; mappings not filled in yet are left out. */
export function toImportPolicy(settings: Settings): ImportPolicy {
  const {
    initialSync: _initialSync,
    defaultPaymentForm,
    warehouseSymbol,
    fulfillmentWarehouseSymbol,
    surchargeServiceCode,
    ...rules
  } = settings.import;
  return {
    ...rules,
    newProduct: { ...rules.newProduct },
    productMatchOrder: [...rules.productMatchOrder],
    contractorCodeTemplate: { ...rules.contractorCodeTemplate },
    ...(defaultPaymentForm ? { defaultPaymentForm } : {}),
    ...(warehouseSymbol ? { warehouseSymbol } : {}),
    ...(fulfillmentWarehouseSymbol ? { fulfillmentWarehouseSymbol } : {}),
    dueDays: { ...rules.dueDays },
    ossMarketplaces: [...rules.ossMarketplaces],
    ...(surchargeServiceCode ? { surchargeServiceCode } : {}),
    paymentMappings: settings.mappings.payment
      .filter((m) => m.paymentForm !== '')
      .map((m) => ({ type: m.type, ...(m.provider ? { provider: m.provider } : {}), paymentForm: m.paymentForm })),
    deliveryMappings: settings.mappings.delivery
      .filter((m) => m.serviceCode !== '')
      .map((m) => ({
        methodId: m.methodId,
        ...(m.methodName ? { methodName: m.methodName } : {}),
        serviceCode: m.serviceCode,
      })),
  };
}

export function toPollerSchedule(settings: Settings): PollerSchedule {
  const { every, dailyAt, timeZone: zone } = settings.poller.schedule;
  if (dailyAt !== undefined) {
    const [hour, minute] = dailyAt.split(':').map(Number);
    return { kind: 'daily', hour, minute, timeZone: zone ?? 'Europe/Warsaw' };
  }
  return { kind: 'interval', seconds: durationSeconds(every ?? '30s') };
}

/** A new poller's input for one configured Allegro account. */
export function toPollerInput(settings: Settings, account: string): PollerInput {
  const names = settings.allegro.accounts.map((a) => a.name);
  if (!names.includes(account)) {
    throw new SettingsError(
      [`allegro.accounts: no account named "${account}" (configured: ${names.join(', ')})`],
      'poller',
    );
  }
  return {
    account,
    policy: toImportPolicy(settings),
    schedule: toPollerSchedule(settings),
    pageSize: settings.poller.pageSize,
    sweepEverySeconds: Math.round(settings.poller.sweepEveryHours * 3600),
    initialSync: settings.import.initialSync,
  };
}

/** A copy safe to print or log: every secret replaced by "***". */
export function redactSettings(settings: Settings): Settings {
  const redact = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(redact);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        (SECRET_KEYS as readonly string[]).includes(k) && typeof v === 'string' && v !== '' ? REDACTED : redact(v),
      ]),
    );
  };
  return redact(settings) as Settings;
}
