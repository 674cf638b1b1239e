/** mappings: Allegro payment and delivery values the settings do not map (yet); --append adds them to the file. */
import fs from 'node:fs';
import path from 'node:path';
import { appendMissingMappings, type DeliveryValue, type PaymentValue } from '../../config/mappings';
import { deliveryMappingState, paymentMappingState } from '../../domain/mappings';
import { EXIT, flag, positiveIntOption, UsageError, type CommandSpec } from '../command';
import { renderTable } from '../output';

const DEFAULT_ORDERS = 500;

/** Writes next to the file and renames over it, keeping its mode: a crash never leaves half a settings file. */
function replaceFile(file: string, text: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { mode });
  fs.renameSync(temp, file);
}

export const mappings: CommandSpec = {
  name: 'mappings',
  summary: 'list Allegro payment types and delivery methods without a mapping; --append adds them to the settings file',
  usage: '[--append] [--seen-only] [--orders N]',
  description: [
    "Collects the values Allegro uses for the account: delivery methods from Allegro's delivery-methods list and from the " +
      'latest checkout forms, payment types and providers from the latest checkout forms. Lists those that the settings do ' +
      'not map ("missing") or map with an empty target ("empty"); orders using them would wait for a person.',
    '--append adds the missing ones to mappings.payment / mappings.delivery of the settings file, each with an empty ' +
      'paymentForm / serviceCode and a comment; the rest of the file (comments, order) stays as it was. Fill them in, then ' +
      "run 'check'. The delivery-methods list holds every method Allegro has (also discontinued ones): --seen-only keeps " +
      'to the methods of the latest orders.',
  ],
  options: {
    append: { type: 'boolean', description: 'append the missing values to the settings file' },
    'seen-only': { type: 'boolean', description: 'only values seen in the latest checkout forms' },
    orders: {
      type: 'string',
      valueName: 'N',
      description: `how many of the latest checkout forms to read (default ${DEFAULT_ORDERS})`,
    },
  },
  exitCodes: {
    0: 'every value seen is mapped',
    3: 'some values are not mapped or not filled in (listed; appended with --append)',
  },
  async run(ctx, input) {
    const append = flag(input, 'append');
    const file = ctx.settingsFile;
    if (append && !file) {
      throw new UsageError(
        '--append needs a settings file (--settings FILE, or settings.yaml here); the built-in demo settings cannot be edited',
      );
    }
    const orderLimit = positiveIntOption(input, 'orders') ?? DEFAULT_ORDERS;
    const settings = ctx.settings();
    const allegro = ctx.allegro();

    const payments = new Map<string, PaymentValue & { orders: number }>();
    const deliveries = new Map<string, DeliveryValue & { orders: number; listed: boolean }>();
    let read = 0;
    // Newest first: the values in use now.
    for await (const form of allegro.iterateCheckoutForms({ sort: '-lineItems.boughtAt' })) {
      if (read++ >= orderLimit) break;
      if (form.payment) {
        const key = `${form.payment.type}/${form.payment.provider ?? ''}`;
        const entry = payments.get(key) ?? {
          type: form.payment.type,
          provider: form.payment.provider ?? null,
          orders: 0,
        };
        entry.orders += 1;
        payments.set(key, entry);
      }
      const method = form.delivery?.method;
      if (method?.id) {
        const entry = deliveries.get(method.id) ?? {
          methodId: method.id,
          methodName: method.name ?? null,
          orders: 0,
          listed: false,
        };
        entry.orders += 1;
        deliveries.set(method.id, entry);
      }
    }
    if (!flag(input, 'seen-only')) {
      for (const method of await allegro.getDeliveryMethods()) {
        const entry = deliveries.get(method.id) ?? {
          methodId: method.id,
          methodName: method.name,
          orders: 0,
          listed: true,
        };
        entry.methodName ??= method.name;
        entry.listed = true;
        deliveries.set(method.id, entry);
      }
    }

    const rows: string[][] = [];
    const missing = { payments: [] as PaymentValue[], deliveries: [] as DeliveryValue[] };
    let empty = 0;
    for (const p of payments.values()) {
      // The import's own rule: "mapped" exactly when an order paid this way finds its payment form.
      const state = paymentMappingState(settings.mappings.payment, p.type, p.provider);
      if (state === 'mapped') continue;
      if (state === 'missing') missing.payments.push({ type: p.type, provider: p.provider });
      else empty += 1;
      rows.push(['payment', p.provider ? `${p.type} / ${p.provider}` : p.type, '', String(p.orders), state]);
    }
    for (const d of deliveries.values()) {
      const state = deliveryMappingState(settings.mappings.delivery, d.methodId);
      if (state === 'mapped') continue;
      if (state === 'missing') missing.deliveries.push({ methodId: d.methodId, methodName: d.methodName });
      else empty += 1;
      rows.push(['delivery', d.methodId, d.methodName ?? '', String(d.orders), state]);
    }

    ctx.out(`Read ${Math.min(read, orderLimit)} checkout form(s) of account "${ctx.account()}".`);
    if (rows.length === 0) {
      ctx.out('Every payment type and delivery method seen is mapped.');
      return EXIT.ok;
    }
    ctx.io.stdout.write(renderTable(['Kind', 'Allegro value', 'Name', 'Orders', 'Mapping'], rows));
    if (!append || !file) {
      ctx.out(
        missing.payments.length + missing.deliveries.length > 0
          ? `Add them with --append${file ? '' : ' (with a settings file)'}, then fill in the targets.`
          : 'Fill in the empty targets in the settings file.',
      );
      return EXIT.attention;
    }
    const result = appendMissingMappings(fs.readFileSync(file, 'utf8'), missing);
    const added = result.added.payments.length + result.added.deliveries.length;
    if (added > 0) replaceFile(file, result.text);
    ctx.out(
      `Appended ${result.added.payments.length} payment and ${result.added.deliveries.length} delivery entr${added === 1 ? 'y' : 'ies'} to ${file}` +
        `${empty > 0 ? ` (${empty} already listed with an empty target)` : ''}.`,
    );
    ctx.out(
      'Fill in paymentForm (Optima payment form name) and serviceCode (Optima delivery service code), then run check.',
    );
    return EXIT.attention;
  },
};
