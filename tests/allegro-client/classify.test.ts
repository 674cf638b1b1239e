import { NeedsPersonError, OrderGoneError, PermanentError, TransientError } from '../../domain/errors';
import { ERROR_TYPES } from '../../domain/errors';
import {
  AllegroOrderGoneError,
  classifyAllegroResponse,
  classifyNetworkError,
  redact,
} from '../../activities/allegro/client';

const holder = (code: string, extra: Record<string, unknown> = {}) => ({
  errors: [
    {
      code,
      message: `${code} message`,
      details: null,
      path: 'lineItems[0].id',
      userMessage: `${code} for people`,
      ...extra,
    },
  ],
});

describe('classifyAllegroResponse: every status code', () => {
  const table: [number, string, unknown][] = [
    [200, 'ok', { ok: true }],
    [201, 'ok', { id: 'x' }],
    [204, 'ok', undefined],
    [400, ERROR_TYPES.permanent, holder('IllegalArgumentException')],
    [401, 'unauthorized', { error: 'invalid_token', error_description: 'Access token expired' }],
    [403, ERROR_TYPES.permanent, holder('AccessDenied')],
    [404, ERROR_TYPES.permanent, holder('NotFoundException')],
    [406, ERROR_TYPES.permanent, holder('NotAcceptableException')],
    [409, ERROR_TYPES.permanent, holder('OfferConflictException')],
    [413, ERROR_TYPES.permanent, holder('PayloadTooLarge')],
    [422, ERROR_TYPES.permanent, holder('VALIDATION_ERROR')],
    [429, ERROR_TYPES.transient, holder('TooManyRequests')],
    [500, ERROR_TYPES.transient, holder('InternalServerError')],
    [502, ERROR_TYPES.transient, '<html>Bad Gateway</html>'],
    [503, ERROR_TYPES.transient, undefined],
    [504, ERROR_TYPES.transient, 'upstream timed out'],
  ];

  test.each(table)('%i → %s', (status, expected, body) => {
    const verdict = classifyAllegroResponse(status, body, {
      method: 'GET',
      path: '/order/events',
      traceId: `trace-${status}`,
    });
    if (expected === 'ok' || expected === 'unauthorized') {
      expect(verdict.kind).toBe(expected);
      return;
    }
    expect(verdict.kind).toBe('error');
    if (verdict.kind !== 'error') return;
    expect(verdict.error.name).toBe(expected);
    expect(verdict.error.message).toContain(String(status));
    expect(verdict.error.message).toContain(`trace-${status}`);
    const details = (verdict.error as TransientError | PermanentError).details;
    expect(details.traceId).toBe(`trace-${status}`);
    expect(details.status).toBe(status);
  });

  test('a 4xx PermanentError carries code, message, userMessage and path', () => {
    const verdict = classifyAllegroResponse(422, holder('VALIDATION_ERROR'), { traceId: 't1' });
    expect(verdict.kind === 'error' && verdict.error).toBeInstanceOf(PermanentError);
    const error = (verdict as { error: PermanentError }).error;
    expect(error.details).toEqual({
      system: 'allegro',
      status: 422,
      code: 'VALIDATION_ERROR',
      userMessage: 'VALIDATION_ERROR for people',
      path: 'lineItems[0].id',
      traceId: 't1',
    });
    expect(error.message).toContain('VALIDATION_ERROR message');
  });

  test('401 carries the error to throw when the retry after a refresh fails too', () => {
    const verdict = classifyAllegroResponse(
      401,
      { error: 'invalid_token', error_description: 'Cannot convert access token to JSON' },
      { traceId: 't401' },
    );
    expect(verdict.kind).toBe('unauthorized');
    if (verdict.kind !== 'unauthorized') return;
    expect(verdict.error).toBeInstanceOf(PermanentError);
    expect(verdict.error.details.code).toBe('invalid_token');
    expect(verdict.error.details.traceId).toBe('t401');
  });

  test('404 on a checkout form is OrderGoneError, with the Trace-Id', () => {
    const verdict = classifyAllegroResponse(404, holder('NotFoundException'), {
      checkoutFormId: 'cf-1',
      traceId: 'tg',
    });
    expect(verdict.kind).toBe('error');
    if (verdict.kind !== 'error') return;
    expect(verdict.error).toBeInstanceOf(OrderGoneError);
    expect(verdict.error.name).toBe(ERROR_TYPES.orderGone);
    expect((verdict.error as AllegroOrderGoneError).details).toEqual({
      checkoutFormId: 'cf-1',
      code: 'NotFoundException',
      traceId: 'tg',
    });
  });

  test('404 CheckoutFormNotFoundException is OrderGoneError even without the context', () => {
    const verdict = classifyAllegroResponse(404, holder('CheckoutFormNotFoundException'));
    expect(verdict.kind === 'error' && verdict.error.name).toBe(ERROR_TYPES.orderGone);
  });

  test('path "null" (a real Allegro quirk) and "" become no path; all errors are in the message', () => {
    const body = {
      errors: [
        { code: 'FIRST', message: 'first problem', path: 'null', userMessage: null },
        { code: 'SECOND', message: 'second problem', path: '' },
      ],
    };
    const verdict = classifyAllegroResponse(422, body);
    const error = (verdict as { error: PermanentError }).error;
    expect(error.details.path).toBeUndefined();
    expect(error.details.userMessage).toBeUndefined();
    expect(error.message).toContain('first problem');
    expect(error.message).toContain('SECOND');
  });

  test('tokens in a body never reach the message', () => {
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF123';
    const verdict = classifyAllegroResponse(
      400,
      { error: 'invalid_grant', error_description: `Invalid refresh token: ${secret}` },
      { secrets: [secret] },
    );
    const error = (verdict as { error: PermanentError }).error;
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('abcDEF123');
    expect(error.message).toContain('invalid_grant');
  });
});

describe('classifyNetworkError', () => {
  const codes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_SOCKET',
  ];
  test.each(codes)('%s → TransientError', (code) => {
    const cause = Object.assign(new Error(`boom ${code}`), { code });
    const error = classifyNetworkError(cause, { method: 'GET', path: '/order/events' });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe(ERROR_TYPES.transient);
    expect(error.details.code).toBe(code);
    expect(error.message).toContain('/order/events');
  });

  test('an invalid request (a bug on our side) is permanent', () => {
    const error = classifyNetworkError(Object.assign(new Error('invalid'), { code: 'UND_ERR_INVALID_ARG' }));
    expect(error).toBeInstanceOf(PermanentError);
  });
});

test('redact removes given secrets, JWT-shaped values and "token: value" pairs', () => {
  const text = 'a eyJabc.eyJdef.ghi b; refresh token: r-123 c; plain-secret-value';
  const out = redact(text, ['plain-secret-value']);
  expect(out).not.toMatch(/eyJabc|r-123|plain-secret-value/);
  expect(out).toContain('refresh token: [redacted]');
});

test('NeedsPersonError is not produced by classification (only by answer validation)', () => {
  for (const status of [200, 400, 401, 403, 404, 406, 409, 422, 429, 500, 502, 503, 504]) {
    const verdict = classifyAllegroResponse(status, holder('X'));
    expect(verdict.kind === 'error' && verdict.error instanceof NeedsPersonError).toBe(false);
  }
});
