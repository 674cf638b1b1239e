/** The seller's offers and the marketplaces' delivery methods. */
import { errorsHolder, isAnswer, pageParams, validation, type Answer } from '../answers';
import { deliveryMethods, type OfferCatalogue } from '../offers';
import { apiRoute, type Route } from './route';

const MAX_OFFER_WINDOW = 10_000_000;

function productOffer(offerId: string, offers: OfferCatalogue): Answer {
  const offer = offers.productOffer(offerId);
  return offer
    ? { status: 200, body: offer }
    : {
        status: 404,
        body: errorsHolder('NotFoundException', `Offer ${offerId} not found`, null, 'The offer does not exist.'),
      };
}

function offerListing(url: URL, offers: OfferCatalogue): Answer {
  const q = url.searchParams;
  const page = pageParams(q, { defaultLimit: 20, maxLimit: 1000 });
  if (isAnswer(page)) return page;
  if (page.offset + page.limit > MAX_OFFER_WINDOW)
    return validation('Offset and limit parameters exceed maximal result size', 'offset');
  const list = (name: string) => (q.getAll(name).length > 0 ? q.getAll(name) : undefined);
  return {
    status: 200,
    body: offers.listing({
      offerIds: list('offer.id'),
      externalIds: list('external.id'),
      name: q.get('name') ?? undefined,
      publicationStatus: list('publication.status'),
      ...page,
    }),
  };
}

export const offerRoutes: Route[] = [
  apiRoute('GET', '/sale/product-offers/{offerId}', ({ params }, { offers }) => productOffer(params.offerId, offers)),
  apiRoute('GET', '/sale/offers', ({ url }, { offers }) => offerListing(url, offers)),
  apiRoute('GET', '/sale/delivery-methods', ({ url }) => ({
    status: 200,
    body: deliveryMethods(url.searchParams.get('marketplace')),
  })),
];
