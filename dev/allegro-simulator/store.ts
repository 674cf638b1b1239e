/**
 * The simulator's state: orders by id (O(1)), ids gone after a merge, buyers (so they can
 * return), and the event journal, an array sorted by numeric event id that reads with a
 * binary search on `from`. Event ids look like Allegro's: microsecond timestamps.
 */
import {
  STAGES,
  generateOrder,
  renderForm,
  type Buyer,
  type BuyerKind,
  type FormStage,
  type MarketplaceId,
  type OrderSpec,
  type SimOrder,
  type WireCheckoutForm,
  type WireLineItem,
} from './orders';
import { FULFILLMENT_STATUSES } from '../../domain/allegro';
import { COUNTRIES } from './data';
import { Rng } from './rng';

const EVENT_RETENTION_MS = 60 * 86_400_000;
export const EVENT_TYPES = [
  'BOUGHT',
  'FILLED_IN',
  'READY_FOR_PROCESSING',
  'BUYER_CANCELLED',
  'AUTO_CANCELLED',
  'FULFILLMENT_STATUS_CHANGED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Statuses a seller may set; RETURNED is Allegro's to set (PUT answers 422). */
const SETTABLE_FULFILLMENT: readonly string[] = FULFILLMENT_STATUSES.filter((status) => status !== 'RETURNED');
/** Allegro refuses more fulfillment changes per order than this (PITFALLS #14). */
const FULFILLMENT_CHANGE_CAP = 100;
const RETURNING_POOL_CAP = 300;
const RETURNING_SHARE = 0.2;
/** Rng streams: orders use their sequence number; these sit far above it. */
const JOURNAL_STREAM = 0x7fff0000;
const MERGE_STREAM = 0x7ffe0000;

/** What an event's line item keeps of the form's (its offer without productSet). */
const EVENT_LINE_FIELDS = ['id', 'quantity', 'originalPrice', 'price', 'boughtAt'] as const;

interface WireEventLine extends Pick<WireLineItem, (typeof EVENT_LINE_FIELDS)[number]> {
  offer: Omit<WireLineItem['offer'], 'productSet'>;
}

interface WireEventOrder {
  seller: { id: string };
  buyer: { id: string; email: string; login: string; guest: boolean; preferences: { language: string } };
  lineItems: WireEventLine[];
  checkoutForm: { id: string; revision: string };
  marketplace: { id: string };
}

export interface WireEvent {
  id: string;
  occurredAt: string;
  type: EventType;
  order: WireEventOrder;
}

interface JournalEntry {
  id: number;
  at: number;
  occurredAt: string;
  type: EventType;
  orderId: string;
  order: WireEventOrder;
  /** A fault for tests: these fields replace the event's (undefined removes one). */
  malformed?: Record<string, unknown>;
}

export interface EventQuery {
  from?: number;
  types?: ReadonlySet<string>;
  limit: number;
}

export interface FormQuery {
  status?: string;
  fulfillmentStatus?: string;
  buyerLogin?: string;
  marketplaceId?: string;
  deliveryMethodId?: string;
  paymentId?: string;
  boughtAtGte?: number;
  boughtAtLte?: number;
  updatedAtGte?: number;
  updatedAtLte?: number;
  sort: 'lineItems.boughtAt' | '-lineItems.boughtAt' | 'updatedAt' | '-updatedAt';
  offset: number;
  limit: number;
}

export type FulfillmentResult = 'ok' | 'not-found' | 'conflict' | 'invalid-status' | 'limit-exceeded';

interface Entry {
  order: SimOrder;
  form: WireCheckoutForm;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class OrderStore {
  private readonly entries = new Map<string, Entry>();
  private readonly gone = new Set<string>();
  private readonly buyers = new Map<string, Buyer>();
  private readonly returning = new Map<string, Buyer[]>();
  private readonly journal: JournalEntry[] = [];
  private maxEventId = 0;
  private readonly journalRng: Rng;
  private orderSeq = 0;
  private mergeSeq = 0;

  constructor(
    private readonly seed: number,
    private readonly sellerId: string,
    private readonly now: () => number,
  ) {
    this.journalRng = new Rng(seed, JOURNAL_STREAM);
  }

  // ---- orders ------------------------------------------------------------------------------

  addOrder(spec: OrderSpec = {}): string {
    const rng = new Rng(this.seed, this.orderSeq++);
    const order = generateOrder(rng, spec, {
      now: this.now(),
      buyers: this.buyers,
      returningBuyer: (marketplace, kind, r) => this.returningBuyer(marketplace, kind, r),
    });
    this.rememberBuyer(order.buyer);
    this.entries.set(order.id, { order, form: renderForm(order) });

    // Which events an order at this status has; BOUGHT is mostly absent (PITFALLS #5).
    if (order.stage === 'BOUGHT' || rng.chance(0.35)) this.emit(order, 'BOUGHT', order.boughtAt);
    if (order.stage === 'FILLED_IN' || (order.stage === 'READY_FOR_PROCESSING' && rng.chance(0.9)))
      this.emit(order, 'FILLED_IN', order.filledAt);
    if (order.stage === 'READY_FOR_PROCESSING') {
      const ready = this.emit(order, 'READY_FOR_PROCESSING', order.readyAt);
      // Allegro sometimes delivers READY_FOR_PROCESSING twice: new id, same occurredAt (#10716).
      if (rng.chance(0.05)) this.repeat(ready);
    }
    if (order.status === 'CANCELLED') this.emit(order, 'BUYER_CANCELLED', order.updatedAt);
    return order.id;
  }

  getForm(id: string): WireCheckoutForm | undefined {
    return this.entries.get(id)?.form;
  }

  orderIds(): string[] {
    return [...this.entries.keys()];
  }

  get orderCount(): number {
    return this.entries.size;
  }

  advance(id: string, to: FormStage): void {
    const { order } = this.entry(id);
    if (order.status === 'CANCELLED') throw new Error(`order ${id} is cancelled`);
    if (STAGES.indexOf(to) <= STAGES.indexOf(order.stage))
      throw new Error(`order ${id} is already ${order.stage}; cannot go to ${to}`);
    const now = this.now();
    if (order.stage === 'BOUGHT') order.filledAt = now;
    if (to === 'READY_FOR_PROCESSING') order.readyAt = now;
    order.stage = to;
    order.status = to;
    this.changed(order, now);
    this.emit(order, to, now);
  }

  /**
   * `applied: false`: the race seen on Allegro, the event comes while the form still reads its
   * old status; applyCancellation() changes the form later, without another event.
   */
  cancel(id: string, by: 'BUYER' | 'AUTO', applied = true): void {
    const { order } = this.entry(id);
    if (order.status === 'CANCELLED') throw new Error(`order ${id} is already cancelled`);
    const now = this.now();
    if (applied) this.applyCancellation(id);
    this.emit(order, by === 'BUYER' ? 'BUYER_CANCELLED' : 'AUTO_CANCELLED', now);
  }

  applyCancellation(id: string): void {
    const { order } = this.entry(id);
    order.status = 'CANCELLED';
    this.changed(order, this.now());
  }

  /** An event for the order that breaks the spec (e.g. `{ type: undefined }`): a journal fault for tests. */
  addMalformedEvent(id: string, fields: Record<string, unknown>): void {
    const { order } = this.entry(id);
    const entry = this.emit(order, 'FULFILLMENT_STATUS_CHANGED', this.now());
    entry.malformed = fields;
  }

  /** The buyer changes the delivery address after paying: a new revision, and (as often) no event. */
  changeDeliveryAddress(id: string): void {
    const { order } = this.entry(id);
    order.recipient = {
      ...order.recipient,
      address: { ...order.recipient.address, street: `${order.recipient.address.street} m. 2` },
    };
    this.changed(order, this.now());
  }

  /** Allegro marks the order returned (a seller cannot set RETURNED). */
  markReturned(id: string): void {
    const { order } = this.entry(id);
    order.fulfillmentStatus = 'RETURNED';
    order.updatedAt = this.now();
    this.rerender(order);
    this.emit(order, 'FULFILLMENT_STATUS_CHANGED', order.updatedAt);
  }

  /** Another READY_FOR_PROCESSING for the latest one: new id, same occurredAt and revision. */
  repeatReadyEvent(id: string): string {
    this.entry(id);
    for (let i = this.journal.length - 1; i >= 0; i--) {
      const e = this.journal[i];
      if (e.orderId === id && e.type === 'READY_FOR_PROCESSING') return String(this.repeat(e).id);
    }
    throw new Error(`order ${id} has no READY_FOR_PROCESSING event to repeat`);
  }

  /**
   * The buyer pays several purchases at once: Allegro makes a new checkout form holding
   * the same line items (same ids) and deletes the old ones (GET gives 404 afterwards).
   */
  merge(
    ids: string[],
    status: Extract<FormStage, 'FILLED_IN' | 'READY_FOR_PROCESSING'> = 'READY_FOR_PROCESSING',
  ): string {
    if (new Set(ids).size < 2) throw new Error('merge needs at least two different orders');
    const parts = ids.map((id) => this.entry(id).order);
    const base = parts[0];
    if (parts.some((p) => p.currency !== base.currency)) throw new Error('cannot merge orders in different currencies');
    const now = this.now();
    const rng = new Rng(this.seed, MERGE_STREAM + this.mergeSeq++);
    const merged: SimOrder = {
      ...base,
      id: rng.uuid(),
      rng,
      lines: parts.flatMap((p) => p.lines),
      paymentId: rng.uuid(),
      boughtAt: Math.max(...parts.map((p) => p.boughtAt)),
      filledAt: now,
      readyAt: now,
      stage: status,
      status,
      fulfillmentStatus: 'NEW',
      fulfillmentChanges: 0,
      revision: rng.hex(8),
      updatedAt: now,
    };
    for (const p of parts) {
      this.entries.delete(p.id);
      this.gone.add(p.id);
    }
    this.entries.set(merged.id, { order: merged, form: renderForm(merged) });
    if (status === 'READY_FOR_PROCESSING') this.emit(merged, 'FILLED_IN', now);
    this.emit(merged, status, now);
    return merged.id;
  }

  /** Moves an order and its events back in time (e.g. beyond the 60-day event retention). */
  backdate(id: string, date: number): void {
    const { order } = this.entry(id);
    const delta = date - order.boughtAt;
    order.boughtAt += delta;
    order.filledAt += delta;
    order.readyAt += delta;
    order.updatedAt += delta;
    const boughtAt = iso(order.boughtAt);
    order.lines = order.lines.map((l) => ({ ...l, boughtAt }));
    this.rerender(order);
    const moved = this.journal.filter((e) => e.orderId === id);
    this.removeFromJournal(id);
    for (const e of moved) {
      const at = e.at + delta;
      this.place({ ...e, at, occurredAt: iso(at), order: { ...e.order, lineItems: this.eventLines(order) } });
    }
  }

  setFulfillment(id: string, status: string, revision: string | undefined): FulfillmentResult {
    const entry = this.entries.get(id);
    if (!entry) return 'not-found';
    const { order } = entry;
    if (revision !== undefined && revision !== order.revision) return 'conflict';
    if (!SETTABLE_FULFILLMENT.includes(status)) return 'invalid-status';
    if (status === order.fulfillmentStatus) return 'ok';
    if (order.fulfillmentChanges >= FULFILLMENT_CHANGE_CAP) return 'limit-exceeded';
    order.fulfillmentStatus = status;
    order.fulfillmentChanges++;
    // The seller's own status change keeps the revision: a sandbox form kept revision
    // 310307fb from fulfillment NEW to PICKED_UP (examples/peers/…fulfillment-NEW.json).
    order.updatedAt = this.now();
    this.rerender(order);
    this.emit(order, 'FULFILLMENT_STATUS_CHANGED', order.updatedAt);
    return 'ok';
  }

  /** The line item ids of an order, or undefined when there is no such order. */
  lineItemIds(id: string): string[] | undefined {
    return this.entries.get(id)?.order.lines.map((l) => l.id);
  }

  /** Shipments now cover these line items: the form's shipmentSummary says so. */
  markSent(id: string, lineIds: ReadonlySet<string>): void {
    const { order } = this.entry(id);
    const sent = order.lines.filter((l) => lineIds.has(l.id)).length;
    order.lineItemsSent = sent === 0 ? 'NONE' : sent === order.lines.length ? 'ALL' : 'SOME';
    order.updatedAt = this.now();
    this.rerender(order);
  }

  listForms(q: FormQuery): { forms: WireCheckoutForm[]; totalCount: number } {
    const matches: SimOrder[] = [];
    for (const { order, form } of this.entries.values()) {
      if (q.status !== undefined && order.status !== q.status) continue;
      if (q.fulfillmentStatus !== undefined && order.fulfillmentStatus !== q.fulfillmentStatus) continue;
      if (q.buyerLogin !== undefined && order.buyer.login !== q.buyerLogin) continue;
      if (q.marketplaceId !== undefined && order.marketplace !== q.marketplaceId) continue;
      if (q.deliveryMethodId !== undefined && form.delivery?.method.id !== q.deliveryMethodId) continue;
      if (q.paymentId !== undefined && form.payment?.id !== q.paymentId) continue;
      if (q.boughtAtGte !== undefined && order.boughtAt < q.boughtAtGte) continue;
      if (q.boughtAtLte !== undefined && order.boughtAt > q.boughtAtLte) continue;
      if (q.updatedAtGte !== undefined && order.updatedAt < q.updatedAtGte) continue;
      if (q.updatedAtLte !== undefined && order.updatedAt > q.updatedAtLte) continue;
      matches.push(order);
    }
    const key = q.sort.endsWith('updatedAt') ? (o: SimOrder) => o.updatedAt : (o: SimOrder) => o.boughtAt;
    const dir = q.sort.startsWith('-') ? -1 : 1;
    matches.sort((a, b) => dir * (key(a) - key(b)) || (a.id < b.id ? -1 : 1));
    const forms = matches.slice(q.offset, q.offset + q.limit).map((o) => (this.entries.get(o.id) as Entry).form);
    return { forms, totalCount: matches.length };
  }

  // ---- events ------------------------------------------------------------------------------

  /** Oldest first, strictly after `from`, only the last 60 days. */
  events(q: EventQuery): WireEvent[] {
    const cutoff = this.now() - EVENT_RETENTION_MS;
    // Event ids are never below their occurredAt in microseconds, so the retention cut is a search too.
    let i = Math.max(this.upperBound(q.from ?? -1), this.upperBound(cutoff * 1000 - 1));
    const out: WireEvent[] = [];
    for (; i < this.journal.length && out.length < q.limit; i++) {
      const e = this.journal[i];
      if (e.at < cutoff || (q.types && !q.types.has(e.type))) continue;
      const event: WireEvent = { id: String(e.id), occurredAt: e.occurredAt, type: e.type, order: e.order };
      out.push(e.malformed ? malform(event, e.malformed) : event);
    }
    return out;
  }

  latestEvent(): { id: string; occurredAt: string } | undefined {
    const last = this.journal[this.journal.length - 1];
    return last && { id: String(last.id), occurredAt: last.occurredAt };
  }

  get eventCount(): number {
    return this.journal.length;
  }

  // ---- internals ---------------------------------------------------------------------------

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(this.gone.has(id) ? `order ${id} was merged away` : `unknown order ${id}`);
    return entry;
  }

  private returningBuyer(marketplace: MarketplaceId, kind: BuyerKind, rng: Rng): Buyer | undefined {
    const pool = this.returning.get(`${marketplace}/${kind}`);
    return pool && pool.length > 0 && rng.chance(RETURNING_SHARE) ? rng.pick(pool) : undefined;
  }

  private rememberBuyer(buyer: Buyer): void {
    if (this.buyers.has(buyer.id)) return;
    this.buyers.set(buyer.id, buyer);
    if (buyer.guest) return;
    const key = `${buyer.marketplace}/${buyer.kind}`;
    const pool = this.returning.get(key) ?? [];
    if (pool.length < RETURNING_POOL_CAP) pool.push(buyer);
    this.returning.set(key, pool);
  }

  /** The buyer changed something: Allegro gives the form a new revision. */
  private changed(order: SimOrder, now: number): void {
    order.revision = order.rng.hex(8);
    order.updatedAt = now;
    this.rerender(order);
  }

  private rerender(order: SimOrder): void {
    (this.entries.get(order.id) as Entry).form = renderForm(order);
  }

  private eventLines(order: SimOrder): WireEventLine[] {
    return order.lines.map(({ offer: { productSet: _productSet, ...offer }, ...line }) => ({
      ...(Object.fromEntries(EVENT_LINE_FIELDS.map((field) => [field, line[field]])) as Omit<WireEventLine, 'offer'>),
      offer,
    }));
  }

  private emit(order: SimOrder, type: EventType, at: number): JournalEntry {
    const payload: WireEventOrder = {
      seller: { id: this.sellerId },
      buyer: {
        id: order.buyer.id,
        email: order.email,
        login: order.buyer.login,
        guest: order.buyer.guest,
        preferences: { language: COUNTRIES[order.marketplace].language },
      },
      lineItems: this.eventLines(order),
      checkoutForm: { id: order.id, revision: order.revision },
      marketplace: { id: order.marketplace },
    };
    return this.place({ id: 0, at, occurredAt: iso(at), type, orderId: order.id, order: payload });
  }

  /** Allegro's duplicate delivery: a new (latest) id, same occurredAt and revision (#10716). */
  private repeat(original: JournalEntry): JournalEntry {
    const copy = { ...original, id: Math.max(this.now() * 1000 + this.journalRng.int(0, 999), this.maxEventId + 1) };
    this.maxEventId = copy.id;
    this.journal.push(copy);
    return copy;
  }

  /**
   * Gives the event an id from its time in microseconds and keeps the journal sorted: an
   * event in the past (e.g. the purchase of an order paid just now) goes where its time is.
   */
  private place(entry: JournalEntry): JournalEntry {
    let id = entry.at * 1000 + this.journalRng.int(0, 999);
    if (id + 999 >= this.maxEventId) {
      // Now (or the newest millisecond): append, ids keep growing.
      entry.id = Math.max(id, this.maxEventId + 1);
      this.maxEventId = entry.id;
      this.journal.push(entry);
      return entry;
    }
    let i = this.upperBound(id - 1);
    for (; i < this.journal.length && this.journal[i].id === id; i++) id++;
    entry.id = id;
    this.journal.splice(i, 0, entry);
    return entry;
  }

  private removeFromJournal(orderId: string): void {
    let w = 0;
    for (const e of this.journal) if (e.orderId !== orderId) this.journal[w++] = e;
    this.journal.length = w;
  }

  /** Index of the first event whose id is greater than `id`. */
  private upperBound(id: number): number {
    let lo = 0;
    let hi = this.journal.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.journal[mid].id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function malform(event: WireEvent, fields: Record<string, unknown>): WireEvent {
  const copy: Record<string, unknown> = { ...event, ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete copy[key];
  return copy as unknown as WireEvent;
}
