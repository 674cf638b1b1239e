import type { CheckoutForm } from '../../domain/allegro';
import { chooseContractor, contractorCode, contractorIdentity, CONTRACTOR_CODE_MAX } from '../../domain/contractor';
import { generateNip } from '../../domain/nip';
import { changed, exampleForm, policy } from './fixtures';

const registered = exampleForm('invoice-natural-person.json').form;
const company = exampleForm('qty4-4packages.json').form;
const noInvoice = exampleForm('no-invoice-person.json').form;
const guest = changed(noInvoice, (f) => {
  f.buyer.guest = true;
  f.buyer.id = 'guest-1';
});

describe('link key', () => {
  test('registered buyers by Allegro buyer id', () => {
    expect(contractorIdentity(registered, 'shop', policy()).linkKey).toBe(`buyer:shop:${registered.buyer.id}`);
  });

  test('one buyer across orders and masked e-mails keeps one key', () => {
    const other = exampleForm('fulfillment-NEW.json').form;
    expect(other.buyer.email).not.toBe(company.buyer.email);
    expect(contractorIdentity(other, 'shop', policy()).linkKey).toBe(
      contractorIdentity(company, 'shop', policy()).linkKey,
    );
  });

  test('guests by checkout form (their id is not stable)', () => {
    const identity = contractorIdentity(guest, 'shop', policy());
    expect(identity.linkKey).toBe(`guest:shop:${guest.id}`);
    expect(identity.draft.linkKey).toBe(identity.linkKey);
  });
});

describe('NIP', () => {
  test('from the invoice company PL_NIP, digits only, when the checksum holds', () => {
    const nip = generateNip(3);
    const dashed = `${nip.slice(0, 3)}-${nip.slice(3, 6)}-${nip.slice(6, 8)}-${nip.slice(8)}`;
    const form = changed(company, (f) => (f.invoice!.address!.company!.ids = [{ type: 'PL_NIP', value: dashed }]));
    const identity = contractorIdentity(form, 'shop', policy());
    expect(identity.nip).toBe(nip);
    expect(identity.draft.party.nip).toBe(nip);
    expect(identity.isCompany).toBe(true);
  });

  test('an invalid NIP is not used for matching but stays on the party as typed (digits)', () => {
    const form = changed(
      company,
      (f) => (f.invoice!.address!.company!.ids = [{ type: 'PL_NIP', value: '123-456-78-90' }]),
    );
    const identity = contractorIdentity(form, 'shop', policy());
    expect(identity.nip).toBeUndefined();
    expect(identity.draft.party.nip).toBe('1234567890');
  });

  test('a foreign tax id is copied as given, never matched as a NIP', () => {
    const form = changed(
      company,
      (f) => (f.invoice!.address!.company!.ids = [{ type: 'CZ_DIC', value: 'CZ12345678' }]),
    );
    const identity = contractorIdentity(form, 'shop', policy());
    expect(identity.nip).toBeUndefined();
    expect(identity.draft.party.nip).toBe('CZ12345678');
  });

  test('private buyers have no NIP and are final consumers', () => {
    const identity = contractorIdentity(registered, 'shop', policy());
    expect(identity.nip).toBeUndefined();
    expect(identity.isCompany).toBe(false);
    expect(identity.draft.finalConsumer).toBe(true);
    expect(identity.draft.party.name).toBe('Kamil Nowak'); // the invoice person, not the account holder
    expect(contractorIdentity(company, 'shop', policy()).draft.finalConsumer).toBe(false);
  });
});

describe('code', () => {
  const withTemplates = (registeredTemplate: string, guestTemplate = 'GOSC-{orderId}') =>
    policy({ contractorCodeTemplate: { registered: registeredTemplate, guest: guestTemplate } });

  test('registered and guest buyers use their own templates', () => {
    expect(contractorIdentity(registered, 'shop', withTemplates('AL-{login}')).draft.code).toBe('AL-ADAM_CEBULA');
    const code = contractorIdentity(guest, 'shop', withTemplates('AL-{login}')).draft.code;
    expect(code.startsWith(`GOSC-${guest.id.toUpperCase().slice(0, 8)}`)).toBe(true);
  });

  test('Polish letters become ASCII, upper case, at most 20 characters', () => {
    const form: CheckoutForm = changed(
      registered,
      (f) => (f.invoice!.address!.naturalPerson!.lastName = 'Żółć-Łęcka Ślązak'),
    );
    const code = contractorIdentity(form, 'shop', withTemplates('{lastName}-{buyerId}')).draft.code;
    expect(code).toBe(`ZOLC-LECKA-SLAZAK-${registered.buyer.id}`.slice(0, CONTRACTOR_CODE_MAX));
    expect(code.length).toBeLessThanOrEqual(CONTRACTOR_CODE_MAX);
    expect(code).toMatch(/^[A-Z0-9_.-]+$/);
  });

  test('every placeholder is filled; unknown ones stay visible', () => {
    expect(
      contractorCode('{login}/{buyerId}/{orderId}/{lastName}/{company}', {
        login: 'a',
        buyerId: 'b',
        orderId: 'c',
        lastName: 'd',
        company: 'e',
      }),
    ).toBe('A-B-C-D-E');
    expect(contractorCode('{nope}', {})).toBe('NOPE');
  });

  test('a company name fills {company}; an empty result still gives a code', () => {
    expect(contractorIdentity(company, 'shop', withTemplates('{company}')).draft.code).toBe('FIRMA-JAKAS');
    expect(contractorCode('{company}', { company: '***' })).toBe('ALLEGRO');
  });
});

describe('chooseContractor', () => {
  const a = { id: 1, code: 'A', name: 'A' };
  const b = { id: 2, code: 'B', name: 'B' };

  test('none, one (duplicates of one id count once), or ambiguous with the codes', () => {
    expect(chooseContractor([], 'nip')).toEqual({ kind: 'none' });
    expect(chooseContractor([a, { ...a }], 'nip')).toEqual({ kind: 'one', contractor: a });
    const choice = chooseContractor([a, b], 'email');
    expect(choice.kind).toBe('ambiguous');
    if (choice.kind === 'ambiguous') {
      expect(choice.message).toContain('A (id 1)');
      expect(choice.message).toContain('B (id 2)');
      expect(choice.message).toContain('import.matchContractorByEmail');
    }
  });
});

test('the default payment form name travels for the caller to resolve', () => {
  expect(contractorIdentity(registered, 'shop', policy({ defaultPaymentForm: 'przelew' })).defaultPaymentForm).toBe(
    'przelew',
  );
  expect(contractorIdentity(registered, 'shop', policy()).defaultPaymentForm).toBeUndefined();
});

test('the party carries the buyer e-mail and phone; no invoice: the account holder and their address', () => {
  const identity = contractorIdentity(noInvoice, 'shop', policy());
  expect(identity.email).toBe(noInvoice.buyer.email);
  expect(identity.draft.party).toMatchObject({
    name: `${noInvoice.buyer.firstName} ${noInvoice.buyer.lastName}`,
    street: noInvoice.buyer.address!.street,
    postCode: noInvoice.buyer.address!.postCode,
    phone: noInvoice.buyer.phoneNumber,
  });
});
