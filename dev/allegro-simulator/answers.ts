/** What a route answers, Allegro's error bodies, and the query-parameter checks the routes share. */

export const PUBLIC_V1 = 'application/vnd.allegro.public.v1+json';
export const OAUTH_JSON = 'application/json;charset=UTF-8';

export interface Answer {
  status: number;
  body?: unknown;
  type?: string;
}

export function errorsHolder(
  code: string,
  message: string,
  path: string | null = null,
  userMessage: string | null = message,
) {
  return { errors: [{ code, message, details: null, path, userMessage }] };
}

export const notFound = (): Answer => ({
  status: 404,
  body: errorsHolder('NotFoundException', 'Not found', null, 'Function not available. Contact the application author.'),
});
export const validation = (message: string, path: string | null): Answer => ({
  status: 422,
  body: errorsHolder('VALIDATION_ERROR', message, path, null),
});
export const badRequest = (message: string, path: string | null): Answer => ({
  status: 400,
  body: errorsHolder('BAD_REQUEST', message, path, null),
});
export const tooManyRequests = () =>
  errorsHolder('TooManyRequests', 'Too many requests', null, 'Too many requests. Please try again later.');

export const isAnswer = (x: unknown): x is Answer => typeof x === 'object' && x !== null && 'status' in x;

export function intParam(
  q: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
  onError: (m: string, p: string) => Answer,
): number | Answer {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max)
    return onError(`${name} must be an integer between ${min} and ${max}`, name);
  return n;
}

/** `offset` and `limit` of a listing: a bad offset is a 400 on Allegro, a bad limit a 422. */
export function pageParams(
  q: URLSearchParams,
  limits: { defaultLimit: number; maxLimit: number },
): { offset: number; limit: number } | Answer {
  const offset = intParam(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, badRequest);
  if (isAnswer(offset)) return offset;
  const limit = intParam(q, 'limit', limits.defaultLimit, 1, limits.maxLimit, validation);
  if (isAnswer(limit)) return limit;
  return { offset, limit };
}

export function dateParam(q: URLSearchParams, name: string): number | undefined | Answer {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? badRequest(`${name} must be an ISO 8601 date-time`, name) : ms;
}
