import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { appendMissingMappings } from '../../config/mappings';
import { parseSettings, SettingsError, toImportPolicy } from '../../config/settings';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../../config/settings.example.yaml'), 'utf8');

const SMALL = `# my shop
optima: { kind: embedded }
allegro:
  clientId: a
  clientSecret: b
  accounts: [{ name: shop }]
mappings:
  payment:
    - type: ONLINE # every online provider
      paymentForm: przelew
  delivery:
    - methodId: m-1
      serviceCode: DOST-1 # courier
`;

test('appends only what is missing, keeping comments and existing entries', () => {
  const { text, added } = appendMissingMappings(SMALL, {
    payments: [
      { type: 'ONLINE', provider: 'PAYU' }, // covered by the type-only entry
      { type: 'CASH_ON_DELIVERY', provider: null },
      { type: 'EXTENDED_TERM', provider: 'EPT' },
    ],
    deliveries: [{ methodId: 'm-1' }, { methodId: 'm-2', methodName: 'Paczkomat' }],
  });
  expect(added.payments.map((p) => p.type)).toEqual(['CASH_ON_DELIVERY', 'EXTENDED_TERM']);
  expect(added.deliveries.map((d) => d.methodId)).toEqual(['m-2']);
  for (const comment of ['# my shop', '# every online provider', '# courier']) expect(text).toContain(comment);
  expect(text).toContain('fill in paymentForm');
  const data = parse(text) as { mappings: { payment: unknown[]; delivery: unknown[] } };
  expect(data.mappings.payment).toEqual([
    { type: 'ONLINE', paymentForm: 'przelew' },
    { type: 'CASH_ON_DELIVERY', paymentForm: '' },
    { type: 'EXTENDED_TERM', provider: 'EPT', paymentForm: '' },
  ]);
  expect(data.mappings.delivery).toEqual([
    { methodId: 'm-1', serviceCode: 'DOST-1' },
    { methodId: 'm-2', methodName: 'Paczkomat', serviceCode: '' },
  ]);
});

test('the result is still valid settings; entries to fill in are left out of the import policy', () => {
  const { text } = appendMissingMappings(SMALL, {
    payments: [{ type: 'WIRE_TRANSFER' }],
    deliveries: [{ methodId: 'm-9' }],
  });
  const policy = toImportPolicy(parseSettings(parse(text)));
  expect(policy.paymentMappings.map((p) => p.type)).toEqual(['ONLINE']);
  expect(policy.deliveryMappings.map((d) => d.methodId)).toEqual(['m-1']);
});

test('running it twice appends nothing more (unfilled entries count as present)', () => {
  const values = { payments: [{ type: 'SPLIT_PAYMENT', provider: 'OFFLINE' }], deliveries: [{ methodId: 'm-3' }] };
  const once = appendMissingMappings(SMALL, values);
  const twice = appendMissingMappings(once.text, values);
  expect(twice.added).toEqual({ payments: [], deliveries: [] });
  expect(twice.text).toBe(once.text);
});

test('a provider-specific entry does not cover other providers', () => {
  const text = 'mappings:\n  payment:\n    - { type: ONLINE, provider: PAYU, paymentForm: x }\n';
  expect(
    appendMissingMappings(text, { payments: [{ type: 'online', provider: 'p24' }], deliveries: [] }).added.payments,
  ).toHaveLength(1);
  expect(
    appendMissingMappings(text, { payments: [{ type: 'online', provider: 'payu' }], deliveries: [] }).added.payments,
  ).toHaveLength(0);
});

test('creates the mappings section when the file has none, and accepts an empty file', () => {
  const withoutMappings = 'optima: { kind: embedded } # local\n';
  const { text } = appendMissingMappings(withoutMappings, {
    payments: [{ type: 'ONLINE', provider: 'PAYU' }],
    deliveries: [{ methodId: 'm' }],
  });
  expect(text).toContain('# local');
  expect(parse(text)).toMatchObject({
    mappings: { payment: [{ type: 'ONLINE', provider: 'PAYU' }], delivery: [{ methodId: 'm' }] },
  });
  expect(parse(appendMissingMappings('', { payments: [{ type: 'ONLINE' }], deliveries: [] }).text)).toEqual({
    mappings: { payment: [{ type: 'ONLINE', paymentForm: '' }], delivery: [] },
  });
});

test('nothing missing: the text comes back unchanged', () => {
  const { text, added } = appendMissingMappings(EXAMPLE, {
    payments: [{ type: 'ONLINE', provider: 'PAYU' }],
    deliveries: [{ methodId: '0b257488-c85d-4507-b967-9b45ffbfa2e8' }],
  });
  expect(text).toBe(EXAMPLE);
  expect(added).toEqual({ payments: [], deliveries: [] });
});

test('a broken file or a mappings key of the wrong shape is a SettingsError', () => {
  expect(() => appendMissingMappings('mappings: [unclosed', { payments: [], deliveries: [] })).toThrow(SettingsError);
  expect(() =>
    appendMissingMappings('mappings:\n  payment: nope\n', { payments: [{ type: 'X' }], deliveries: [] }),
  ).toThrow(/mappings\.payment: must be a list/);
});
