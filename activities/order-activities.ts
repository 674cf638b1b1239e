/**
 * The order journey's activities: thin adapters over the Allegro client and the Optima
 * gateway, with the decisions in the pure domain functions (products, contractor, draft).
 * Each one is safe to repeat: lookups first, and every creation is idempotent by its link
 * key in the gateway, so a retry after a crash finds what the first attempt wrote.
 */
import type { CheckoutForm, CheckoutFormLineItem } from '../domain/allegro';
import { chooseContractor, contractorIdentity, fitsIdentity } from '../domain/contractor';
import { taxPointDate, type DateInput } from '../domain/document-dates';
import { paymentFormIdByName } from '../domain/draft';
import type { ExchangeRate, ExchangeRates } from '../domain/exchange-rates';
import { HOME_CURRENCY } from '../domain/foreign-currency';
import { AllegroNeededError, NeedsPersonError, OrderRefusal, PermanentError, TransientError } from '../domain/errors';
import { checkOrderValues } from '../domain/order-checks';
import { buildDraftWithSets, matchSetComponents, type OrderLineMatch } from '../domain/product-sets';
import { isProductSet, matchLineProduct, newProductDraft, type OfferDetails } from '../domain/products';
import { checkMergedDocument, type MergedForm } from '../domain/settlement';
import type {
  ContractorRef,
  DocumentRef,
  ImportPolicy,
  OptimaGateway,
  OptimaReferenceData,
  VersionedPolicy,
} from '../domain/types';
import type { ProductOffer } from './allegro/client';
import type { ActivityDeps, AllegroPort } from './deps';
import { orderRulesOf, versioned } from './policy';
import type { ContractorMatch, OrderActivities, PinnedPolicy } from './types';

export function createOrderActivities(deps: ActivityDeps): OrderActivities {
  const { optima } = deps;
  const reference = cachedReferenceData(optima, deps.referenceDataTtlMs ?? 30_000);
  /** The input's pinned policy (older workflows, tests), else the settings in force now. */
  const policyFor = (account: string, input: PinnedPolicy): Promise<VersionedPolicy> =>
    input.policy ? Promise.resolve(versioned(input.policy)) : deps.policy(account);

  return {
    async loadOrderRules({ account }) {
      return orderRulesOf(await deps.policy(account));
    },

    async fetchOrder({ account, checkoutFormId }) {
      return deps.allegro(account).getCheckoutForm(checkoutFormId);
    },

    async findExistingDocument({ checkoutFormId, lineIds, totalToPay }) {
      const own = (await optima.findDocumentByOrder(checkoutFormId)) ?? (await optima.findDocumentByLineIds(lineIds));
      if (!own) return null;
      const merged = own.orderId !== checkoutFormId;
      // A merged payment: this new checkout form gets the existing document, not a second one,
      // but only when that document covers its lines and total.
      if (merged) {
        await checkAdoption(optima, { orderId: checkoutFormId, lineIds, ...(totalToPay ? { totalToPay } : {}) }, own);
        await optima.linkOrderToDocument(checkoutFormId, own.id);
      }
      return { document: own, merged };
    },

    async matchProducts(input) {
      const { account, order } = input;
      const { policy } = await policyFor(account, input);
      const allegro = input.withoutAllegro ? null : deps.allegro(account);
      const matches: OrderLineMatch[] = [];
      for (const [index, line] of order.lineItems.entries())
        matches.push(await matchLine(optima, allegro, account, { line, index }, policy));
      return matches;
    },

    async matchContractor(input) {
      // Implausible data (a bad NIP above all) must not reach a new contractor card.
      asNeedsPerson(() => checkOrderValues(input.order));
      const { policy } = await policyFor(input.account, input);
      return matchBuyer(optima, await reference(), input.account, input.order, policy);
    },

    async createDocument(input) {
      const { account, order, lines, contractor, importedAt } = input;
      const { version, policy } = await policyFor(account, input);
      const exchange = await exchangeRateFor(deps.rates, { order, policy, importedAt });
      const result = buildDraftWithSets({
        ...exchange,
        account,
        order,
        lines,
        contractor,
        reference: await reference(),
        policy,
        importedAt,
        settingsVersion: version,
      });
      if (!result.ok) throw new NeedsPersonError(result.reason, result.message, result.code);
      return optima.createDocument(result.draft);
    },

    async recordLink({ account, checkoutFormId, documentId, contractorLinkKey, markProcessing }) {
      const document = await optima.findDocumentByOrder(checkoutFormId);
      if (!document || document.id !== documentId) {
        throw new PermanentError(`order ${checkoutFormId} is not linked to Optima document id ${documentId}`, {
          system: 'optima',
          code: 'LINK_MISSING',
        });
      }
      if (contractorLinkKey && !(await optima.findContractorByLink(contractorLinkKey))) {
        throw new PermanentError(`the buyer link ${contractorLinkKey} is missing in Optima`, {
          system: 'optima',
          code: 'LINK_MISSING',
        });
      }
      if (!markProcessing) return { markedProcessing: false };
      return { markedProcessing: await markProcessingOnAllegro(deps.allegro(account), checkoutFormId) };
    },

    async cancelDocument({ checkoutFormId, mode, reason }) {
      return optima.cancelDocument(checkoutFormId, mode, reason);
    },

    async noteOnDocument({ checkoutFormId, note }) {
      return optima.noteOnDocument(checkoutFormId, note);
    },
  };
}

/**
 * The NBP rate of the tax point for an order in CZK, EUR or HUF; none for PLN. A rate NBP has
 * not published makes the order wait (ExchangeRateMissingError), to be imported on retry.
 */
async function exchangeRateFor(
  rates: ExchangeRates,
  input: DateInput,
): Promise<{ exchangeRate?: ExchangeRate; taxPointDate?: string }> {
  const currency = input.order.summary.totalToPay.currency;
  if (currency === HOME_CURRENCY) return {};
  const taxPoint = asNeedsPerson(() => taxPointDate(input));
  return { exchangeRate: await rates.rateBefore(currency, taxPoint), taxPointDate: taxPoint };
}

/** A pure refusal becomes the order's wait for a person, with its code. */
function asNeedsPerson<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof OrderRefusal) throw new NeedsPersonError(e.reason, e.message, e.code);
    throw e;
  }
}

/** Every line of the new form must be on the existing document, and the totals equal. */
async function checkAdoption(optima: OptimaGateway, form: MergedForm, document: DocumentRef): Promise<void> {
  const uncovered: string[] = [];
  for (const lineId of form.lineIds) {
    const holder = await optima.findDocumentByLineIds([lineId]);
    if (holder?.id !== document.id) uncovered.push(lineId);
  }
  asNeedsPerson(() => checkMergedDocument(form, document, uncovered));
}

/** Reference data changes rarely (a person adds a payment form); a short cache spares Optima. */
function cachedReferenceData(optima: OptimaGateway, ttlMs: number): () => Promise<OptimaReferenceData> {
  let cached: { at: number; data: Promise<OptimaReferenceData> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) {
      const data = optima.readReferenceData();
      cached = { at: now, data };
      // A failed read must not be served from the cache.
      data.catch(() => {
        if (cached?.data === data) cached = undefined;
      });
    }
    return cached.data;
  };
}

/**
 * One line: its card by the lookups in policy order (domain/products), else (a set, with
 * import.productSets = split) a card per component, else what import.productNotFound says.
 * The offer's details are read once at most.
 */
async function matchLine(
  optima: OptimaGateway,
  /** null: the offer may not be read here (AllegroNeededError instead). */
  allegro: AllegroPort | null,
  account: string,
  { line, index }: { line: CheckoutFormLineItem; index: number },
  policy: ImportPolicy,
): Promise<OrderLineMatch> {
  let offer: Promise<OfferDetails | null> | undefined;
  const readOffer = () =>
    (offer ??= allegro
      ? offerDetails(allegro, line.offer.id)
      : Promise.reject(
          new AllegroNeededError(
            `lineItems[${index}]: offer ${line.offer.id} is not linked to a card yet; read from Allegro`,
          ),
        ));
  const found = await matchLineProduct(optima, line, account, policy, readOffer);
  if (found) return { lineItemId: line.id, product: found.product, rule: found.rule };
  if (isProductSet(line) && policy.productSets === 'split') {
    const components = await matchSetComponentsOrWait(optima, line, index, account, readOffer);
    return { lineItemId: line.id, product: null, rule: 'none', components };
  }
  if (isProductSet(line) && policy.productNotFound !== 'lineWithoutCard') {
    throw new NeedsPersonError(
      'product-not-found',
      `lineItems[${index}].offer.productSet: offer ${line.offer.id} "${line.offer.name}" is a set of several products; ` +
        'no card matches the offer itself and one created from it would carry one product’s EAN. ' +
        'Link the offer to a set card in Optima (or set import.productSets to split), then retry',
      'product-set',
    );
  }
  switch (policy.productNotFound) {
    case 'create':
      return {
        lineItemId: line.id,
        product: await optima.createProduct(newProductDraft(line, await readOffer(), account, policy)),
        rule: 'created',
      };
    case 'lineWithoutCard':
      return { lineItemId: line.id, product: null, rule: 'none' };
    case 'wait':
      throw new NeedsPersonError(
        'product-not-found',
        `no Optima product matches offer ${line.offer.id} "${line.offer.name}" (tried ${policy.productMatchOrder.join(', ')}): ` +
          'add or link the product in Optima, or change import.productNotFound, then retry',
      );
  }
}

async function matchSetComponentsOrWait(...args: Parameters<typeof matchSetComponents>) {
  try {
    return await matchSetComponents(...args);
  } catch (e) {
    if (e instanceof OrderRefusal) throw new NeedsPersonError(e.reason, e.message, e.code);
    throw e;
  }
}

/** The offer's EAN, signature, price and its products' EANs; null when the offer is gone (ended offers are deleted). */
async function offerDetails(allegro: AllegroPort, offerId: string): Promise<OfferDetails | null> {
  let offer: ProductOffer;
  try {
    offer = await allegro.getProductOffer(offerId);
  } catch (error) {
    if (error instanceof PermanentError && error.details.status === 404) return null;
    throw error;
  }
  return {
    offerId: offer.id,
    name: offer.name,
    ...(offer.ean ? { ean: offer.ean } : {}),
    ...(offer.externalId ? { externalId: offer.externalId } : {}),
    ...(offer.price ? { price: offer.price } : {}),
    ...(offer.stock !== null ? { stock: offer.stock } : {}),
    productEans: Object.fromEntries(offer.products.flatMap((p) => (p.ean ? [[p.id, p.ean]] : []))),
  };
}

/** Saved link, then NIP (when enabled), then e-mail (when enabled), else a new contractor. */
async function matchBuyer(
  optima: OptimaGateway,
  reference: OptimaReferenceData,
  account: string,
  order: CheckoutForm,
  policy: ImportPolicy,
): Promise<ContractorMatch> {
  const identity = contractorIdentity(order, account, policy);
  const linked = await optima.findContractorByLink(identity.linkKey);
  if (linked) {
    // A private buyer's key made before identities had their own keys may lead to a company card.
    if (!identity.isCompany && !fitsIdentity(linked, identity)) {
      throw new NeedsPersonError(
        'ambiguous-contractor',
        `this private order's buyer link ${identity.linkKey} leads to contractor ${linked.code} (id ${linked.id}), ` +
          'which has a NIP: a receipt for a person must not be issued to a company. Link the buyer to their own ' +
          'private card in Optima, then retry',
      );
    }
    return { contractor: linked, linkKey: identity.linkKey, rule: 'link' };
  }

  const searches: { rule: 'nip' | 'email'; find: () => Promise<ContractorRef[]> }[] = [];
  const nip = identity.nip;
  if (policy.checkContractorByNip && nip) searches.push({ rule: 'nip', find: () => optima.findContractorsByNip(nip) });
  if (policy.matchContractorByEmail)
    searches.push({ rule: 'email', find: () => optima.findContractorsByEmail(identity.email) });
  for (const { rule, find } of searches) {
    const choice = chooseContractor(
      (await find()).filter((c) => fitsIdentity(c, identity)),
      rule,
    );
    if (choice.kind === 'ambiguous') throw new NeedsPersonError('ambiguous-contractor', choice.message);
    if (choice.kind === 'one') {
      await optima.linkContractor(identity.linkKey, choice.contractor.id);
      return { contractor: choice.contractor, linkKey: identity.linkKey, rule };
    }
  }

  let paymentFormId: number | undefined;
  if (identity.defaultPaymentForm) {
    paymentFormId = paymentFormIdByName(reference.paymentForms, identity.defaultPaymentForm);
    if (paymentFormId === undefined) {
      throw new NeedsPersonError(
        'unmapped-payment',
        `import.defaultPaymentForm "${identity.defaultPaymentForm}" is not a payment form in Optima: fix the setting, then retry`,
      );
    }
  }
  const contractor = await optima.createContractor({
    ...identity.draft,
    ...(paymentFormId !== undefined ? { paymentFormId } : {}),
  });
  return { contractor, linkKey: identity.linkKey, rule: 'created' };
}

/**
 * PUT PROCESSING only on a real transition (Allegro caps status changes at 100 per order):
 * re-read first, skip unless the order is paid and still NEW, never for One Fulfillment.
 * 409 (the order changed meanwhile) retries, which re-reads the revision.
 */
async function markProcessingOnAllegro(allegro: AllegroPort, checkoutFormId: string): Promise<boolean> {
  const form = await allegro.getCheckoutForm(checkoutFormId);
  const fulfillment = form.fulfillment?.status ?? 'NEW';
  if (form.status !== 'READY_FOR_PROCESSING' || fulfillment !== 'NEW' || form.fulfillment?.provider?.id === 'ALLEGRO')
    return false;
  try {
    await allegro.setFulfillmentStatus(checkoutFormId, 'PROCESSING', form.revision ?? undefined);
  } catch (error) {
    if (error instanceof PermanentError && error.details.status === 409) {
      throw new TransientError(`order ${checkoutFormId} changed while marking it PROCESSING: ${error.message}`, {
        system: 'allegro',
        status: 409,
      });
    }
    throw error;
  }
  return true;
}
