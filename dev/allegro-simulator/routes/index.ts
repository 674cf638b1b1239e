/**
 * Every route the simulator answers, by area. A new area is a file in this folder exporting
 * `Route[]` (see route.ts), added to ROUTES below.
 */
import { checkoutFormRoutes } from './checkout-forms';
import { eventRoutes } from './events';
import { oauthRoutes } from './oauth';
import { offerCommandRoutes } from './offer-commands';
import { offerRoutes } from './offers';
import type { Route } from './route';
import { shipmentRoutes } from './shipments';

export type { Route, RouteRequest, SimulatorContext } from './route';

const ROUTES: readonly Route[] = [
  ...eventRoutes,
  ...checkoutFormRoutes,
  ...shipmentRoutes,
  ...offerRoutes,
  ...offerCommandRoutes,
  ...oauthRoutes,
];

export interface MatchedRoute {
  route: Route;
  /** As counted in the stats: `GET /order/checkout-forms/{id}`. */
  name: string;
  /** The path's `{name}` segments, still URI-encoded. */
  rawParams: Record<string, string>;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    if (segment.startsWith('{') && segment.endsWith('}')) params[segment.slice(1, -1)] = got[i];
    else if (segment !== got[i]) return undefined;
  }
  return params;
}

export function findRoute(method: string, path: string): MatchedRoute | undefined {
  for (const route of ROUTES) {
    if (!route.methods.includes(method)) continue;
    const rawParams = matchPath(route.path, path);
    if (rawParams) return { route, name: `${method} ${route.path}`, rawParams };
  }
  return undefined;
}
