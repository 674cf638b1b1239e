/** Batch offer commands: quantity and price changes, their reports and their tasks. */
import { badRequest, errorsHolder, intParam, isAnswer, PUBLIC_V1, validation, type Answer } from '../answers';
import type { CommandKind, OfferCommands } from '../commands';
import { apiRoute, type Route, type RouteRequest } from './route';

const PATHS: Record<CommandKind, string> = {
  quantity: '/sale/offer-quantity-change-commands',
  price: '/sale/offer-price-change-commands',
};

const commandNotFound = (kind: CommandKind, id: string): Answer => ({
  status: 404,
  body: errorsHolder(
    'NotFoundException',
    `Command ${id} not found`,
    `${PATHS[kind]}/${id}`,
    'The command does not exist.',
  ),
});

function register(kind: CommandKind, { headers, body, params }: RouteRequest, commands: OfferCommands): Answer {
  const path = `${PATHS[kind]}/${params.commandId}`;
  if (!(headers['content-type'] ?? '').startsWith(PUBLIC_V1))
    return {
      status: 415,
      body: errorsHolder('UnsupportedMediaTypeException', `Content-Type must be ${PUBLIC_V1}`, path),
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return badRequest('The body is not JSON', path);
  }
  const result = commands.register(kind, params.commandId, parsed);
  if ('conflict' in result)
    return {
      status: 409,
      body: errorsHolder('CommandAlreadyExistsException', `Command id ${params.commandId} was already used`, path),
    };
  if ('invalid' in result) return validation(result.invalid, path);
  return { status: 201, body: result.report };
}

function tasks(kind: CommandKind, { url, params }: RouteRequest, commands: OfferCommands): Answer {
  const limit = intParam(url.searchParams, 'limit', 100, 1, 1000, validation);
  if (isAnswer(limit)) return limit;
  const offset = intParam(url.searchParams, 'offset', 0, 0, 999, validation);
  if (isAnswer(offset)) return offset;
  const found = commands.tasks(kind, params.commandId, offset, limit);
  return found ? { status: 200, body: { tasks: found } } : commandNotFound(kind, params.commandId);
}

function report(kind: CommandKind, { params }: RouteRequest, commands: OfferCommands): Answer {
  const found = commands.report(kind, params.commandId);
  return found ? { status: 200, body: found } : commandNotFound(kind, params.commandId);
}

export const offerCommandRoutes: Route[] = (['quantity', 'price'] as const).flatMap((kind) => [
  apiRoute('PUT', `${PATHS[kind]}/{commandId}`, (request, { commands }) => register(kind, request, commands)),
  apiRoute('GET', `${PATHS[kind]}/{commandId}`, (request, { commands }) => report(kind, request, commands)),
  apiRoute('GET', `${PATHS[kind]}/{commandId}/tasks`, (request, { commands }) => tasks(kind, request, commands)),
]);
