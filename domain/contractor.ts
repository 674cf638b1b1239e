/**
 * Who the buyer is, as Optima should know them: the link key, the NIP and e-mail used for
 * matching, and the draft of a new contractor. Pure; the workflow's activities do the lookups.
 *
 * The party is the invoice party when the buyer asked for an invoice (company or natural
 * person), else the Allegro account holder; never the delivery recipient (PITFALLS C.17).
 */
import type { CheckoutForm } from './allegro';
import { validNip, normaliseNip } from './nip';
import type { ContractorDraft, ContractorRef, ImportPolicy, PartyCopy } from './types';

/** Knt_Kod is varchar(20). */
export const CONTRACTOR_CODE_MAX = 20;

export interface ContractorIdentity {
  linkKey: string;
  /** A checksum-valid Polish NIP, digits only: the only NIP used for matching. */
  nip?: string;
  /** Allegro's masked per-order relay address: a weak match (PITFALLS C.16). */
  email: string;
  isCompany: boolean;
  draft: ContractorDraft;
  /** FPl_Nazwa for new contractors (policy.defaultPaymentForm); the caller resolves its id. */
  defaultPaymentForm?: string;
}

export type ContractorChoice =
  { kind: 'one'; contractor: ContractorRef } | { kind: 'none' } | { kind: 'ambiguous'; message: string };

/** Order of preference when a company gives several tax ids. */
const TAX_ID_PREFERENCE = ['PL_NIP', 'VAT_EU', 'CZ_DIC', 'SK_IC_DPH', 'HU_ADOSZAM', 'CZ_ICO', 'SK_ICO', 'OTHER'];

type InvoiceCompany = NonNullable<NonNullable<NonNullable<CheckoutForm['invoice']>['address']>['company']>;

function taxIds(company: InvoiceCompany): { type: string; value: string }[] {
  if (company.ids && company.ids.length > 0) return company.ids;
  // `taxId` is deprecated but older payloads carry only it.
  return company.taxId ? [{ type: 'PL_NIP', value: company.taxId }] : [];
}

/** The tax id to copy onto documents: digits only for PL_NIP, as given otherwise. */
function companyTaxId(company: InvoiceCompany): string | undefined {
  const ids = taxIds(company);
  for (const type of TAX_ID_PREFERENCE) {
    const id = ids.find((i) => i.type === type && i.value.trim() !== '');
    if (id) return type === 'PL_NIP' ? normaliseNip(id.value) : id.value.trim();
  }
  return undefined;
}

/** "First Last", skipping blanks. */
export function personName(first?: string | null, last?: string | null): string {
  return [first, last]
    .map((s) => (s ?? '').trim())
    .filter((s) => s !== '')
    .join(' ');
}

/** The party a document is issued to (TrN_Pod*) and a new contractor is made from. */
export function buyerParty(order: CheckoutForm): PartyCopy {
  const { buyer } = order;
  const contact = {
    email: buyer.email,
    ...(buyer.phoneNumber ? { phone: buyer.phoneNumber } : {}),
  };
  const invoiceAddress = order.invoice?.address;
  if (invoiceAddress) {
    const address = {
      street: invoiceAddress.street,
      city: invoiceAddress.city,
      postCode: invoiceAddress.zipCode,
      countryCode: invoiceAddress.countryCode,
    };
    if (invoiceAddress.company) {
      const nip = companyTaxId(invoiceAddress.company);
      const contactPerson = personName(invoiceAddress.naturalPerson?.firstName, invoiceAddress.naturalPerson?.lastName);
      return {
        name: invoiceAddress.company.name,
        ...(contactPerson ? { name2: contactPerson } : {}),
        ...address,
        ...(nip ? { nip } : {}),
        ...contact,
      };
    }
    const person = invoiceAddress.naturalPerson;
    const name =
      personName(person?.firstName, person?.lastName) || personName(buyer.firstName, buyer.lastName) || buyer.login;
    return { name, ...address, ...contact };
  }
  // No invoice: the account holder. Allegro may omit their address; the delivery address
  // is the best remaining guess of where they live.
  const delivery = order.delivery?.address;
  const name =
    personName(buyer.firstName, buyer.lastName) ||
    personName(delivery?.firstName, delivery?.lastName) ||
    buyer.companyName ||
    buyer.login;
  const a = buyer.address;
  return {
    name,
    street: a?.street ?? delivery?.street ?? '',
    city: a?.city ?? delivery?.city ?? '',
    postCode: a?.postCode ?? delivery?.zipCode ?? '',
    countryCode: a?.countryCode ?? delivery?.countryCode ?? 'PL',
    ...contact,
  };
}

/**
 * Whom the document is issued to, within one Allegro buyer: the person (no suffix, as keys
 * were before), or a company by its tax id (`:nip:<id>`), else by its name (`:company:<name>`).
 * One Allegro account may buy privately and for several companies; each is its own card.
 */
function identitySuffix(order: CheckoutForm): string {
  const company = order.invoice?.address?.company;
  if (!company) return '';
  const taxId = companyTaxId(company);
  if (taxId) return `:nip:${taxId}`;
  return `:company:${transliterate(company.name).trim().toUpperCase().replace(/\s+/g, ' ')}`;
}

/**
 * `buyer:<account>:<buyerId>[identity]`, or `guest:<account>:<checkoutFormId>` (guest ids
 * are not stable; the form has one invoice party).
 */
export function contractorLinkKey(order: CheckoutForm, account: string): string {
  return order.buyer.guest
    ? `guest:${account}:${order.id}`
    : `buyer:${account}:${order.buyer.id}${identitySuffix(order)}`;
}

/**
 * A contractor found by e-mail (or NIP) may stand for another identity of the same buyer:
 * a company card for a private receipt, a private card (or another NIP) for a company invoice.
 * Only a card with the identity's own NIP (company) or without a NIP (person) fits.
 */
export function fitsIdentity(
  candidate: ContractorRef,
  identity: Pick<ContractorIdentity, 'isCompany' | 'nip'>,
): boolean {
  const candidateNip = candidate.nip ? normaliseNip(candidate.nip) : '';
  if (!identity.isCompany) return candidateNip === '';
  return identity.nip !== undefined && candidateNip === identity.nip;
}

/** Folds Polish, Czech, Slovak and Hungarian letters to ASCII. ł/Ł do not decompose in NFD. */
export function transliterate(text: string): string {
  return text
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/**
 * The contractor code from a template: placeholders replaced, ASCII upper case, characters
 * other than letters, digits and `-_.` turned into `-`, at most 20 characters. Uniqueness
 * is the gateway's job (it appends a suffix on a clash).
 */
export function contractorCode(template: string, values: Record<string, string>): string {
  const filled = template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? values[key] : whole));
  const code = transliterate(filled)
    .toUpperCase()
    .replace(/[^A-Z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, CONTRACTOR_CODE_MAX)
    .replace(/-+$/, '');
  return code || 'ALLEGRO';
}

export function contractorIdentity(order: CheckoutForm, account: string, policy: ImportPolicy): ContractorIdentity {
  const party = buyerParty(order);
  const invoiceAddress = order.invoice?.address;
  const company = invoiceAddress?.company ?? null;
  const isCompany = company !== null;
  const plNip = company ? taxIds(company).find((i) => i.type === 'PL_NIP') : undefined;
  const nip = validNip(plNip?.value) ?? undefined;

  const lastName =
    invoiceAddress?.naturalPerson?.lastName ?? order.buyer.lastName ?? order.delivery?.address?.lastName ?? '';
  const template = order.buyer.guest ? policy.contractorCodeTemplate.guest : policy.contractorCodeTemplate.registered;
  const code = contractorCode(template, {
    login: order.buyer.login,
    buyerId: order.buyer.id,
    orderId: order.id,
    lastName,
    company: company?.name ?? order.buyer.companyName ?? '',
  });

  const linkKey = contractorLinkKey(order, account);
  return {
    linkKey,
    ...(nip ? { nip } : {}),
    email: order.buyer.email,
    isCompany,
    draft: { linkKey, code, party, isCompany, finalConsumer: !isCompany },
    ...(policy.defaultPaymentForm ? { defaultPaymentForm: policy.defaultPaymentForm } : {}),
  };
}

/** One candidate is a match; several are ambiguous and need a person to pick (or link) one. */
export function chooseContractor(candidates: ContractorRef[], rule: 'nip' | 'email'): ContractorChoice {
  const unique = [...new Map(candidates.map((c) => [c.id, c])).values()];
  if (unique.length === 0) return { kind: 'none' };
  if (unique.length === 1) return { kind: 'one', contractor: unique[0] };
  const listed = unique
    .slice(0, 5)
    .map((c) => `${c.code} (id ${c.id})`)
    .join(', ');
  const more = unique.length > 5 ? ` and ${unique.length - 5} more` : '';
  return {
    kind: 'ambiguous',
    message:
      `${unique.length} Optima contractors share this buyer's ${rule === 'nip' ? 'NIP' : 'e-mail'}: ${listed}${more}. ` +
      `Merge or deactivate the duplicates in Optima (or turn off import.${rule === 'nip' ? 'checkContractorByNip' : 'matchContractorByEmail'}), ` +
      `then retry the order.`,
  };
}
