/** Which part of an order changed after its document: buyer, delivery address, invoice data. */
import { changedFacts, orderFacts } from '../../domain/order-facts';
import { changed, exampleForms } from './fixtures';

const form = exampleForms().find((e) => e.form.delivery?.address && e.form.invoice)!.form;

describe('orderFacts / changedFacts', () => {
  test('the same form twice: nothing changed', () => {
    expect(changedFacts(orderFacts(form), orderFacts(structuredClone(form)))).toEqual([]);
  });

  test('a new delivery street is the delivery part only', () => {
    const moved = changed(form, (f) => {
      f.delivery!.address!.street = `${f.delivery!.address!.street} 2`;
    });
    expect(changedFacts(orderFacts(form), orderFacts(moved))).toEqual(['delivery']);
  });

  test('a new buyer phone and invoice requirement name both parts; the masked e-mail alone is no change', () => {
    const edited = changed(form, (f) => {
      f.buyer.phoneNumber = '+48 600 000 001';
      f.invoice!.required = !f.invoice!.required;
    });
    expect(changedFacts(orderFacts(form), orderFacts(edited))).toEqual(['buyer', 'invoice']);
    const remasked = changed(form, (f) => {
      f.buyer.email = `x${f.buyer.email}`;
    });
    expect(changedFacts(orderFacts(form), orderFacts(remasked))).toEqual([]);
  });
});
