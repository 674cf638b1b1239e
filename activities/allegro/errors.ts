/**
 * How an Allegro answer becomes one of the typed errors of domain/errors.ts. Pure: the
 * table in tests/allegro-client/classify.test.ts goes through every status code.
 */
import type { z } from 'zod';
import { ErrorsHolderSchema, OAuthErrorSchema, type AllegroApiError } from '../../domain/allegro';
import { NeedsPersonError, OrderGoneError, PermanentError, TransientError } from '../../domain/errors';

export interface AllegroCallContext {
  method?: string;
  /** Request path without the query string. */
  path?: string;
  traceId?: string;
  /** Set when the call reads or writes one checkout form: its 404 means "gone". */
  checkoutFormId?: string;
  /** Values that must never appear in a message (tokens in use). */
  secrets?: readonly string[];
}

/** A checkout form that no longer exists: merged into a new one, or older than 12 months. */
export class AllegroOrderGoneError extends OrderGoneError {
  constructor(
    message: string,
    readonly details: { checkoutFormId?: string; code?: string; traceId?: string },
  ) {
    super(message);
  }
}

export type AllegroResponseClass =
  | { kind: 'ok' }
  /** 401: refresh the token once and repeat the call once; throw `error` if it fails again. */
  | { kind: 'unauthorized'; error: PermanentError }
  | { kind: 'error'; error: TransientError | PermanentError | OrderGoneError };

/** Allegro's error entries from either body shape (`ErrorsHolder` or OAuth `AuthError`). */
export function allegroErrorsOf(body: unknown): AllegroApiError[] {
  const holder = ErrorsHolderSchema.safeParse(body);
  if (holder.success && holder.data.errors.length > 0) return holder.data.errors;
  const auth = OAuthErrorSchema.safeParse(body);
  if (auth.success) return [{ code: auth.data.error, message: auth.data.error_description }];
  if (typeof body === 'string' && body.trim() !== '') return [{ message: body.trim().slice(0, 200) }];
  return [];
}

/** Allegro writes "no path" as null, "" or the string "null". */
function cleanPath(path: string | null | undefined): string | undefined {
  return path && path !== 'null' ? path : undefined;
}

export function classifyAllegroResponse(
  status: number,
  body: unknown,
  ctx: AllegroCallContext = {},
): AllegroResponseClass {
  if (status >= 200 && status < 300) return { kind: 'ok' };

  const errors = allegroErrorsOf(body);
  const first = errors[0];
  const code = first?.code ?? undefined;
  const described = errors
    .map((e) =>
      [e.code, e.message ?? e.userMessage, cleanPath(e.path) && `at ${cleanPath(e.path)}`].filter(Boolean).join(': '),
    )
    .join('; ');
  const message = redact(
    `Allegro ${status}${ctx.method ? ` ${ctx.method}` : ''}${ctx.path ? ` ${ctx.path}` : ''}` +
      `${described ? `: ${described}` : ''}${ctx.traceId ? ` (Trace-Id ${ctx.traceId})` : ''}`,
    ctx.secrets,
  );
  const transient = () => new TransientError(message, { system: 'allegro', status, code, traceId: ctx.traceId });
  const permanent = () =>
    new PermanentError(message, {
      system: 'allegro',
      status,
      code,
      userMessage: first?.userMessage ? redact(first.userMessage, ctx.secrets) : undefined,
      path: cleanPath(first?.path),
      traceId: ctx.traceId,
    });

  if (status === 401) return { kind: 'unauthorized', error: permanent() };
  // No Retry-After on Allegro's 429, and calling while blocked extends the block:
  // Temporal's backoff (not an immediate repeat here) spaces the next attempt.
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { kind: 'error', error: transient() };
  if (status === 404 && (ctx.checkoutFormId !== undefined || code === 'CheckoutFormNotFoundException')) {
    return {
      kind: 'error',
      error: new AllegroOrderGoneError(message, { checkoutFormId: ctx.checkoutFormId, code, traceId: ctx.traceId }),
    };
  }
  if (status >= 400) return { kind: 'error', error: permanent() };
  // 1xx/3xx: nothing Allegro documents; treat as a passing glitch rather than a verdict.
  return { kind: 'error', error: transient() };
}

const PERMANENT_NETWORK_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_URL']);

/** A failure before any HTTP status (refused, reset, DNS, connect/headers/body timeout). */
export function classifyNetworkError(error: unknown, ctx: AllegroCallContext = {}): TransientError | PermanentError {
  const code = (error as { code?: unknown })?.code;
  const codeText = typeof code === 'string' ? code : undefined;
  const what = error instanceof Error ? error.message : String(error);
  const message = redact(
    `Allegro ${ctx.method ?? ''} ${ctx.path ?? ''}: network error ${codeText ?? ''} (${what})`.replace(/\s+/g, ' '),
    ctx.secrets,
  );
  if (codeText && PERMANENT_NETWORK_CODES.has(codeText)) {
    return new PermanentError(message, { system: 'allegro', code: codeText });
  }
  return new TransientError(message, { system: 'allegro', code: codeText ?? 'NETWORK' });
}

const JWT = /eyJ[\w-]{2,}\.[\w-]{2,}\.[\w-]*/g;
const AFTER_TOKEN_WORDS = /((?:refresh|access)[ _]token[^:=\n]{0,20}[:=]\s*)\S+/gi;

/** Removes tokens from a text: the given secrets, anything JWT-shaped, `… token: <value>`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(JWT, '[redacted]').replace(AFTER_TOKEN_WORDS, '$1[redacted]');
}

/**
 * An answer that does not match its schema. A checkout form needs a person (the order
 * waits, visibly); any other answer is a permanent fault of that call. The message names
 * the zod issue paths, never the values.
 */
export function invalidAnswerError(
  what: string,
  error: z.ZodError,
  ctx: AllegroCallContext & { order?: boolean },
): NeedsPersonError | PermanentError {
  const issues = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : '';
  const message = redact(
    `Allegro ${what} failed validation: ${issues.join('; ')}${more}${ctx.traceId ? ` (Trace-Id ${ctx.traceId})` : ''}`,
    ctx.secrets,
  );
  if (ctx.order) return new NeedsPersonError('invalid-order-data', message);
  return new PermanentError(message, {
    system: 'allegro',
    code: 'INVALID_RESPONSE',
    path: error.issues[0]?.path.map(String).join('.'),
    traceId: ctx.traceId,
  });
}
