/**
 * Allegro's write-back calls (issue 13): offer quantity and price commands, an order's
 * fulfillment status, its shipments and the carriers. Each is safe to repeat: commands carry
 * the caller's id (a repeat reads the first one's report), the status takes the form's revision.
 */
import {
  CarriersSchema,
  CommandReportSchema,
  CommandTasksSchema,
  ShipmentListSchema,
  ShipmentSchema,
  type CommandReport,
  type CommandTask,
  type Shipment,
} from '../../domain/allegro-write-back';
import { PermanentError } from '../../domain/errors';
import { AllegroTransport, checkRange } from './transport';

/** Offers in one change command, and tasks per page of its report (openapi.yaml). */
export const OFFER_COMMAND_MAX_OFFERS = 1000;
const COMMAND_PATHS = { quantity: '/sale/offer-quantity-change-commands', price: '/sale/offer-price-change-commands' };
export type OfferCommandKind = keyof typeof COMMAND_PATHS;

export class AllegroWriteBack extends AllegroTransport {
  /**
   * `PUT /order/checkout-forms/{id}/fulfillment`. With `revision`, Allegro refuses (409) when
   * the order changed since it was read: re-fetch first. Only call on a real transition
   * (Allegro caps status changes at 100 per order).
   */
  async setFulfillmentStatus(id: string, status: string, revision?: string): Promise<void> {
    await this.call({
      method: 'PUT',
      path: `/order/checkout-forms/${encodeURIComponent(id)}/fulfillment`,
      query: { 'checkoutForm.revision': revision },
      body: { status },
      what: `fulfillment of ${id}`,
      checkoutFormId: id,
    });
  }

  /**
   * `PUT /sale/offer-{quantity|price}-change-commands/{commandId}`: one modification for up to
   * 1000 offers. The command id is the caller's: a repeat after a lost answer gets 409, and
   * reads the report of the command registered the first time instead of changing anything again.
   */
  async registerOfferCommand(
    kind: OfferCommandKind,
    commandId: string,
    modification: Record<string, unknown>,
    offerIds: readonly string[],
  ): Promise<CommandReport> {
    checkRange('offers', offerIds.length, 1, OFFER_COMMAND_MAX_OFFERS);
    const path = `${COMMAND_PATHS[kind]}/${encodeURIComponent(commandId)}`;
    try {
      return await this.call({
        method: 'PUT',
        path,
        body: { modification, offerCriteria: [{ type: 'CONTAINS_OFFERS', offers: offerIds.map((id) => ({ id })) }] },
        schema: CommandReportSchema,
        what: `${kind} command ${commandId}`,
      });
    } catch (error) {
      if (error instanceof PermanentError && error.details.status === 409)
        return this.offerCommandReport(kind, commandId);
      throw error;
    }
  }

  /** `GET …-change-commands/{commandId}`: the summary; `completedAt` set once every task ran. */
  async offerCommandReport(kind: OfferCommandKind, commandId: string): Promise<CommandReport> {
    return this.call({
      method: 'GET',
      path: `${COMMAND_PATHS[kind]}/${encodeURIComponent(commandId)}`,
      schema: CommandReportSchema,
      what: `${kind} command ${commandId}`,
    });
  }

  /** Every task of a command: one per offer, so one page of 1000 holds a whole command. */
  async offerCommandTasks(kind: OfferCommandKind, commandId: string): Promise<CommandTask[]> {
    const page = await this.call({
      method: 'GET',
      path: `${COMMAND_PATHS[kind]}/${encodeURIComponent(commandId)}/tasks`,
      query: { offset: 0, limit: OFFER_COMMAND_MAX_OFFERS },
      schema: CommandTasksSchema,
      what: `tasks of ${kind} command ${commandId}`,
    });
    return page.tasks;
  }

  /** `GET /order/checkout-forms/{id}/shipments`: also numbers added outside the integrator. */
  async listShipments(checkoutFormId: string): Promise<Shipment[]> {
    const answer = await this.call({
      method: 'GET',
      path: `/order/checkout-forms/${encodeURIComponent(checkoutFormId)}/shipments`,
      schema: ShipmentListSchema,
      what: `shipments of ${checkoutFormId}`,
      checkoutFormId,
    });
    return answer.shipments;
  }

  /** `POST /order/checkout-forms/{id}/shipments` for the whole order. `carrierName` only with OTHER. */
  async addShipment(
    checkoutFormId: string,
    shipment: { carrierId: string; waybill: string; carrierName?: string },
  ): Promise<Shipment> {
    return this.call({
      method: 'POST',
      path: `/order/checkout-forms/${encodeURIComponent(checkoutFormId)}/shipments`,
      body: shipment.carrierId === 'OTHER' ? shipment : { carrierId: shipment.carrierId, waybill: shipment.waybill },
      schema: ShipmentSchema,
      what: `shipment of ${checkoutFormId}`,
      checkoutFormId,
    });
  }

  /** `GET /order/carriers`. */
  async getCarriers(): Promise<{ id: string; name?: string | null }[]> {
    return (await this.call({ method: 'GET', path: '/order/carriers', schema: CarriersSchema, what: 'carriers' }))
      .carriers;
  }
}
