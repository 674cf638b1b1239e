/**
 * Parcel tracking numbers of orders (CONTRACT.md §5 "Tracking numbers") and the carriers
 * they name. A waybill may be added to a few orders (one parcel for several purchases), not
 * to many: Allegro answers 409 "waybill used too often".
 */
import type { OrderStore } from './store';

/** GET /order/carriers, as in the spec's example plus the common Polish carriers. */
export const CARRIERS = [
  { id: 'ALLEGRO', name: 'Allegro' },
  { id: 'DPD', name: 'DPD' },
  { id: 'DHL', name: 'DHL' },
  { id: 'GLS', name: 'GLS' },
  { id: 'INPOST', name: 'InPost' },
  { id: 'POCZTA_POLSKA', name: 'Poczta Polska' },
  { id: 'UPS', name: 'UPS' },
  { id: 'YUN_EXPRESS', name: 'Yun Express' },
  { id: 'OTHER', name: 'Inny przewoźnik' },
] as const;

const WAYBILL_MAX_ORDERS = 10;

export interface Shipment {
  id: string;
  waybill: string;
  carrierId: string;
  carrierName: string | null;
  lineItems: { id: string }[];
  createdAt: string;
}

export type AddShipmentResult = { shipment: Shipment } | { notFound: true } | { invalid: string } | { tooOften: true };

export class ShipmentBook {
  private readonly byOrder = new Map<string, Shipment[]>();
  private readonly ordersByWaybill = new Map<string, Set<string>>();
  /** Shipments added through the API: what tests count. */
  added = 0;

  constructor(
    private readonly store: OrderStore,
    private readonly now: () => number,
  ) {}

  list(orderId: string): Shipment[] | undefined {
    if (!this.store.lineItemIds(orderId)) return undefined;
    return this.byOrder.get(orderId) ?? [];
  }

  add(orderId: string, body: unknown): AddShipmentResult {
    const lineIds = this.store.lineItemIds(orderId);
    if (!lineIds) return { notFound: true };
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof b.carrierId !== 'string' || !CARRIERS.some((c) => c.id === b.carrierId))
      return { invalid: `unknown carrier id ${String(b.carrierId)}` };
    if (typeof b.waybill !== 'string' || b.waybill.trim() === '' || b.waybill.length > 64)
      return { invalid: 'waybill must be 1 to 64 characters' };
    const carrierName = b.carrierId === 'OTHER' && typeof b.carrierName === 'string' ? b.carrierName : null;
    if (carrierName !== null && carrierName.length > 30)
      return { invalid: 'carrierName must be at most 30 characters' };
    const wanted = Array.isArray(b.lineItems) ? (b.lineItems as { id?: unknown }[]).map((l) => l?.id) : [];
    if (wanted.some((id) => typeof id !== 'string' || !lineIds.includes(id)))
      return { invalid: 'line items must be from the order' };
    const orders = this.ordersByWaybill.get(b.waybill) ?? new Set<string>();
    if (!orders.has(orderId) && orders.size >= WAYBILL_MAX_ORDERS) return { tooOften: true };
    orders.add(orderId);
    this.ordersByWaybill.set(b.waybill, orders);

    const shipments = this.byOrder.get(orderId) ?? [];
    const shipment: Shipment = {
      id: Buffer.from(`${b.carrierId}:${b.waybill}:${shipments.length + 1}`).toString('base64'),
      waybill: b.waybill,
      carrierId: b.carrierId,
      carrierName,
      // Empty or absent: every item of the order is in the parcel.
      lineItems: (wanted.length > 0 ? (wanted as string[]) : lineIds).map((id) => ({ id })),
      createdAt: new Date(this.now()).toISOString(),
    };
    shipments.push(shipment);
    this.byOrder.set(orderId, shipments);
    this.added++;
    this.store.markSent(orderId, new Set(shipments.flatMap((s) => s.lineItems.map((l) => l.id))));
    return { shipment };
  }
}
