import {
  deliveryMappingState,
  findDeliveryMapping,
  findPaymentMapping,
  findWarehouse,
  paymentMappingState,
  sameText,
} from '../../domain/mappings';

const payments = [
  { type: 'ONLINE', provider: 'PAYU', paymentForm: 'PayU' },
  { type: 'online', paymentForm: 'przelew' },
  { type: 'ONLINE', provider: 'P24', paymentForm: '' },
  { type: 'EXTENDED_TERM', provider: 'AF', paymentForm: ' ' },
];

describe('payment mappings', () => {
  test('type + provider first, then the type alone; case and spaces do not matter', () => {
    expect(findPaymentMapping(payments, 'ONLINE', 'payu ')?.paymentForm).toBe('PayU');
    expect(findPaymentMapping(payments, 'ONLINE', 'AF')?.paymentForm).toBe('przelew');
    expect(findPaymentMapping(payments, 'ONLINE', null)?.paymentForm).toBe('przelew');
  });

  test('a provider entry not filled in falls back to the type alone; one with a provider covers no other', () => {
    expect(findPaymentMapping(payments, 'ONLINE', 'P24')?.paymentForm).toBe('przelew');
    expect(findPaymentMapping(payments, 'EXTENDED_TERM', 'AF')).toBeUndefined();
    expect(findPaymentMapping(payments, 'EXTENDED_TERM', null)).toBeUndefined();
  });

  test('the state says "mapped" exactly when the import finds a mapping', () => {
    expect(paymentMappingState(payments, 'ONLINE', 'P24')).toBe('mapped');
    expect(paymentMappingState(payments, 'EXTENDED_TERM', 'AF')).toBe('empty');
    // The AF entry is for AF only: another provider, or none, is not listed at all.
    expect(paymentMappingState(payments, 'EXTENDED_TERM', 'EPT')).toBe('missing');
    expect(paymentMappingState(payments, 'EXTENDED_TERM', null)).toBe('missing');
    expect(paymentMappingState(payments, 'CASH_ON_DELIVERY', null)).toBe('missing');
  });
});

test('delivery mappings: by method id as it is; an entry without a service code is "empty"', () => {
  const deliveries = [
    { methodId: 'm-1', serviceCode: 'DOST-1' },
    { methodId: 'm-2', serviceCode: '' },
  ];
  expect(findDeliveryMapping(deliveries, 'm-1')?.serviceCode).toBe('DOST-1');
  expect(findDeliveryMapping(deliveries, 'M-1')).toBeUndefined();
  expect(deliveryMappingState(deliveries, 'm-1')).toBe('mapped');
  expect(deliveryMappingState(deliveries, 'm-2')).toBe('empty');
  expect(deliveryMappingState(deliveries, 'm-3')).toBe('missing');
});

test('names and symbols compare as Optima does (case-insensitive, trimmed)', () => {
  expect(sameText(' magazyn ', 'MAGAZYN')).toBe(true);
  expect(sameText('MAG', 'MAG2')).toBe(false);
  expect(findWarehouse([{ symbol: 'MAGAZYN', id: 1 }], 'magazyn')?.id).toBe(1);
  expect(findWarehouse([{ symbol: 'MAGAZYN', id: 1 }], 'MAG')).toBeUndefined();
});
