/** Parcel tracking numbers of an order, and the carriers. */
import { errorsHolder, PUBLIC_V1, type Answer } from '../answers';
import { CARRIERS, type ShipmentBook } from '../shipments';
import { apiRoute, type Route, type RouteRequest } from './route';

const orderNotFound = (id: string): Answer => ({
  status: 404,
  body: errorsHolder(
    'NotFoundException',
    `Order ${id} not found`,
    `/order/checkout-forms/${id}/shipments`,
    "Order not found or doesn't belong to the seller",
  ),
});

function addShipment({ headers, body, params }: RouteRequest, shipments: ShipmentBook): Answer {
  const path = `/order/checkout-forms/${params.id}/shipments`;
  if (!(headers['content-type'] ?? '').startsWith(PUBLIC_V1))
    return {
      status: 415,
      body: errorsHolder('UnsupportedMediaTypeException', `Content-Type must be ${PUBLIC_V1}`, path),
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const result = shipments.add(params.id, parsed);
  if ('notFound' in result) return orderNotFound(params.id);
  if ('invalid' in result) return { status: 400, body: errorsHolder('VALIDATION_ERROR', result.invalid, path) };
  if ('tooOften' in result)
    return { status: 409, body: errorsHolder('WAYBILL_USED_TOO_OFTEN', 'The waybill was used too many times', path) };
  return { status: 201, body: result.shipment };
}

export const shipmentRoutes: Route[] = [
  apiRoute('GET', '/order/carriers', () => ({ status: 200, body: { carriers: CARRIERS } })),
  apiRoute('GET', '/order/checkout-forms/{id}/shipments', ({ params }, { shipments }) => {
    const list = shipments.list(params.id);
    return list ? { status: 200, body: { shipments: list } } : orderNotFound(params.id);
  }),
  apiRoute('POST', '/order/checkout-forms/{id}/shipments', (request, { shipments }) => addShipment(request, shipments)),
];
