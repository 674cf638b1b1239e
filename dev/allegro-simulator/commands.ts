/**
 * Allegro's batch offer commands (CONTRACT.md §6): quantity and price changes, registered
 * under the seller's own command id, run offer by offer, each offer's outcome a task. The
 * simulator runs a command when it is registered, so its report is complete at once.
 */
import { parseMinor } from '../../domain/money';
import { CURRENCY, type OfferCatalogue } from './offers';
import type { MarketplaceId } from './data';

/** Offers in one command (the spec's OfferCriterium, CONTRACT.md: ≤1000). */
export const MAX_OFFERS_PER_COMMAND = 1000;
export type CommandKind = 'quantity' | 'price';

export interface TaskError {
  code: string;
  message: string;
  details: null;
  path: string | null;
  userMessage: string;
}

export interface CommandTask {
  offer: { id: string };
  field: string;
  status: 'SUCCESS' | 'FAIL';
  message: string;
  errors: TaskError[];
}

interface Command {
  id: string;
  createdAt: string;
  completedAt: string;
  tasks: CommandTask[];
}

/** A change of one offer: the new state, or why it cannot be made. */
type Change = { apply: () => void } | { refuse: TaskError };

type Parsed = { offers: string[]; change: (offerId: string) => Change } | { invalid: string };

const FIELD: Record<CommandKind, string> = { quantity: 'stock.available', price: 'sellingMode.price' };
/** Currencies Allegro prices in whole units only: `InvalidPricePrecision` otherwise (PITFALLS #20, CONTRACT.md). */
const WHOLE_UNITS = new Set(['CZK', 'HUF']);

const taskError = (code: string, message: string, path: string | null): TaskError => ({
  code,
  message,
  details: null,
  path,
  userMessage: message,
});

function criteriaOffers(body: Record<string, unknown>): string[] | string {
  const criteria = body.offerCriteria;
  if (!Array.isArray(criteria) || criteria.length === 0) return 'offerCriteria must list offers';
  const offers: string[] = [];
  for (const criterion of criteria as { type?: unknown; offers?: unknown }[]) {
    if (criterion?.type !== 'CONTAINS_OFFERS') return 'offerCriteria.type must be CONTAINS_OFFERS';
    if (!Array.isArray(criterion.offers)) return 'offerCriteria.offers must be an array';
    for (const offer of criterion.offers as { id?: unknown }[]) {
      if (typeof offer?.id !== 'string' || offer.id === '') return 'every offer needs an id';
      offers.push(offer.id);
    }
  }
  if (offers.length > MAX_OFFERS_PER_COMMAND) return `at most ${MAX_OFFERS_PER_COMMAND} offers in one command`;
  return offers;
}

function parseQuantity(body: Record<string, unknown>, catalogue: OfferCatalogue): Parsed {
  const m = body.modification as { changeType?: unknown; value?: unknown } | undefined;
  if (m?.changeType !== 'FIXED' && m?.changeType !== 'GAIN')
    return { invalid: 'modification.changeType must be FIXED or GAIN' };
  const value = m.value;
  if (typeof value !== 'number' || !Number.isInteger(value))
    return { invalid: 'modification.value must be an integer' };
  const offers = criteriaOffers(body);
  if (typeof offers === 'string') return { invalid: offers };
  return {
    offers,
    change: (offerId) => {
      const stock = (catalogue.current(offerId) as { stock: number }).stock;
      const next = m.changeType === 'FIXED' ? value : stock + value;
      // The spec: "For changeType = FIXED, a new stock quantity > 0".
      if (next <= 0)
        return { refuse: taskError('VALIDATION_ERROR', 'Stock quantity must be greater than 0.', 'stock.available') };
      return { apply: () => catalogue.setStock(offerId, next) };
    },
  };
}

function parsePrice(body: Record<string, unknown>, catalogue: OfferCatalogue): Parsed {
  const m = body.modification as
    | {
        type?: unknown;
        marketplaceId?: unknown;
        price?: { amount?: unknown; currency?: unknown };
        value?: { amount?: unknown; currency?: unknown };
        percentage?: unknown;
      }
    | undefined;
  const marketplace = (m?.marketplaceId ?? 'allegro-pl') as MarketplaceId;
  if (!(marketplace in CURRENCY)) return { invalid: `unknown marketplaceId ${String(m?.marketplaceId)}` };
  const currency = CURRENCY[marketplace];
  let next: (minor: number) => number;
  try {
    switch (m?.type) {
      case 'FIXED_PRICE':
      case 'INCREASE_PRICE':
      case 'DECREASE_PRICE': {
        const amount = m.type === 'FIXED_PRICE' ? m.price : m.value;
        if (typeof amount?.amount !== 'string' || amount.currency !== currency)
          return { invalid: `the amount must be a decimal string in ${currency}, the marketplace's currency` };
        const minor = parseMinor(amount.amount);
        next =
          m.type === 'FIXED_PRICE' ? () => minor : m.type === 'INCREASE_PRICE' ? (p) => p + minor : (p) => p - minor;
        break;
      }
      case 'INCREASE_PERCENTAGE':
      case 'DECREASE_PERCENTAGE': {
        if (typeof m.percentage !== 'string' || !/^\d+(\.\d{1,2})?$/.test(m.percentage))
          return { invalid: 'modification.percentage must be a decimal string' };
        const hundredths = parseMinor(m.percentage) * (m.type === 'INCREASE_PERCENTAGE' ? 1 : -1);
        next = (p) => p + Math.round((p * hundredths) / 10_000);
        break;
      }
      default:
        return {
          invalid:
            'modification.type must be FIXED_PRICE, INCREASE_PRICE, DECREASE_PRICE, INCREASE_PERCENTAGE or DECREASE_PERCENTAGE',
        };
    }
  } catch {
    return { invalid: 'the amount must be a decimal string with at most 2 decimals' };
  }
  const offers = criteriaOffers(body);
  if (typeof offers === 'string') return { invalid: offers };
  return {
    offers,
    change: (offerId) => {
      const price = next(catalogue.priceMinor(offerId, marketplace));
      if (price <= 0)
        return { refuse: taskError('VALIDATION_ERROR', 'The price must be greater than 0.', 'sellingMode.price') };
      if (WHOLE_UNITS.has(currency) && price % 100 !== 0)
        return {
          refuse: taskError(
            'InvalidPricePrecision',
            `Prices in ${currency} must be whole numbers.`,
            `additionalMarketplaces.${marketplace}.sellingMode.price`,
          ),
        };
      return { apply: () => catalogue.setPrice(offerId, marketplace, price) };
    },
  };
}

export type RegisterResult = { report: ReturnType<OfferCommands['report']> } | { conflict: true } | { invalid: string };

export class OfferCommands {
  private readonly commands: Record<CommandKind, Map<string, Command>> = { quantity: new Map(), price: new Map() };
  /** Offer changes applied (successful tasks), by kind: what tests count. */
  readonly applied: Record<CommandKind, number> = { quantity: 0, price: 0 };

  constructor(
    private readonly catalogue: OfferCatalogue,
    private readonly now: () => number,
  ) {}

  register(kind: CommandKind, id: string, body: unknown): RegisterResult {
    if (this.commands[kind].has(id)) return { conflict: true };
    if (typeof body !== 'object' || body === null) return { invalid: 'the body must be a JSON object' };
    const parsed =
      kind === 'quantity'
        ? parseQuantity(body as Record<string, unknown>, this.catalogue)
        : parsePrice(body as Record<string, unknown>, this.catalogue);
    if ('invalid' in parsed) return parsed;
    const createdAt = new Date(this.now()).toISOString();
    const tasks = parsed.offers.map((offerId): CommandTask => {
      const refused = this.refusal(offerId);
      const change = refused ? { refuse: refused } : parsed.change(offerId);
      if ('refuse' in change)
        return {
          offer: { id: offerId },
          field: FIELD[kind],
          status: 'FAIL',
          message: change.refuse.message,
          errors: [change.refuse],
        };
      change.apply();
      this.applied[kind]++;
      return { offer: { id: offerId }, field: FIELD[kind], status: 'SUCCESS', message: '', errors: [] };
    });
    const command: Command = { id, createdAt, completedAt: new Date(this.now()).toISOString(), tasks };
    this.commands[kind].set(id, command);
    return { report: this.report(kind, id) as NonNullable<ReturnType<OfferCommands['report']>> };
  }

  /** The GeneralReport of a command, or undefined when there is none with this id. */
  report(kind: CommandKind, id: string) {
    const command = this.commands[kind].get(id);
    if (!command) return undefined;
    const failed = command.tasks.filter((t) => t.status === 'FAIL').length;
    return {
      id: command.id,
      createdAt: command.createdAt,
      completedAt: command.completedAt,
      taskCount: { total: command.tasks.length, success: command.tasks.length - failed, failed },
    };
  }

  tasks(kind: CommandKind, id: string, offset: number, limit: number): CommandTask[] | undefined {
    return this.commands[kind].get(id)?.tasks.slice(offset, offset + limit);
  }

  private refusal(offerId: string): TaskError | undefined {
    if (!this.catalogue.has(offerId)) return taskError('NOT_FOUND', 'The offer does not exist.', null);
    const reason = this.catalogue.refusal(offerId);
    return reason === undefined ? undefined : taskError('OFFER_CHANGE_REFUSED', reason, null);
  }
}
