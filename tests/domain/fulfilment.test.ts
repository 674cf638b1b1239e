/** Order status and tracking rules (domain/fulfilment.ts). */
import { attributeStatus, fulfilmentSteps, movesForward, type OrderDocumentFacts } from '../../domain/fulfilment';

const rules = {
  onConverted: 'READY_FOR_SHIPMENT',
  onWaybill: 'SENT',
  carriers: { '3': 'INPOST' },
  defaultCarrier: 'OTHER',
};
const doc = (
  orderId: string,
  own: boolean,
  waybill = '',
  modifiedAt = '2026-03-01 10:00:00',
  carrierType = 0,
  attribute = '',
) => ({ orderId, own, waybill, carrierType, modifiedAt, attribute }) satisfies OrderDocumentFacts;
const attribute = {
  code: 'STATUS_WYSYLKI',
  values: [
    { value: 'SPAKOWANE', status: 'READY_FOR_SHIPMENT' },
    { value: 'WYSLANE', status: 'SENT' },
  ],
};
const withAttribute = { ...rules, attribute };

test('a status only moves forward', () => {
  expect(movesForward('NEW', 'SENT')).toBe(true);
  expect(movesForward('SENT', 'READY_FOR_SHIPMENT')).toBe(false);
  expect(movesForward('SENT', 'SENT')).toBe(false);
  expect(movesForward('RETURNED', 'SENT')).toBe(false);
});

test('converted: its status; a waybill: its status and the newest number with its mapped carrier; nothing new: no step', () => {
  const steps = fulfilmentSteps(
    [
      doc('a', true),
      doc('a', false),
      doc('b', true, ' W1 ', '2026-03-01 10:00:00', 3),
      doc('b', false, 'W2', '2026-03-01 11:00:00', 9),
      doc('c', true),
    ],
    rules,
  );
  expect(steps).toEqual([
    { orderId: 'a', status: 'READY_FOR_SHIPMENT', shipment: null },
    { orderId: 'b', status: 'SENT', shipment: { waybill: 'W2', carrierId: 'OTHER' } },
  ]);
  expect(fulfilmentSteps([doc('d', true, 'X9', '2026-03-01 10:00:00', 3)], rules)[0].shipment).toEqual({
    waybill: 'X9',
    carrierId: 'INPOST',
  });
});

test('a configured attribute value asks for its status; other values, or no rule, ask for nothing', () => {
  expect(attributeStatus(' SPAKOWANE ', attribute)).toBe('READY_FOR_SHIPMENT');
  expect(attributeStatus('W DRODZE', attribute)).toBeNull();
  expect(attributeStatus('', attribute)).toBeNull();
  expect(attributeStatus('SPAKOWANE', undefined)).toBeNull();
});

test('an attribute on the RO alone moves the order; on the invoice too; without the rule it is ignored', () => {
  const packed = [doc('a', true, '', '2026-03-01 10:00:00', 0, 'SPAKOWANE')];
  expect(fulfilmentSteps(packed, withAttribute)).toEqual([
    { orderId: 'a', status: 'READY_FOR_SHIPMENT', shipment: null },
  ]);
  expect(fulfilmentSteps(packed, rules)).toEqual([]);
  const sent = [doc('b', true), doc('b', false, '', '2026-03-01 11:00:00', 0, 'WYSLANE')];
  expect(fulfilmentSteps(sent, withAttribute)).toEqual([{ orderId: 'b', status: 'SENT', shipment: null }]);
});

test('the furthest status asked for wins: an attribute never takes back what a waybill or a conversion set', () => {
  const steps = fulfilmentSteps(
    [
      doc('a', true, '', '2026-03-01 10:00:00', 0, 'SPAKOWANE'),
      doc('a', false, 'W7', '2026-03-01 11:00:00', 3),
      doc('b', true, '', '2026-03-01 10:00:00', 0, 'WYSLANE'),
      doc('b', false),
    ],
    withAttribute,
  );
  expect(steps).toEqual([
    { orderId: 'a', status: 'SENT', shipment: { waybill: 'W7', carrierId: 'INPOST' } },
    { orderId: 'b', status: 'SENT', shipment: null },
  ]);
});
