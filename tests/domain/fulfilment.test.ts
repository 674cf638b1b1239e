/** Order status and tracking rules (domain/fulfilment.ts). */
import { fulfilmentSteps, movesForward, type OrderDocumentFacts } from '../../domain/fulfilment';

const rules = {
  onConverted: 'READY_FOR_SHIPMENT',
  onWaybill: 'SENT',
  carriers: { '3': 'INPOST' },
  defaultCarrier: 'OTHER',
};
const doc = (orderId: string, own: boolean, waybill = '', modifiedAt = '2026-03-01 10:00:00', carrierType = 0) =>
  ({ orderId, own, waybill, carrierType, modifiedAt }) satisfies OrderDocumentFacts;

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
