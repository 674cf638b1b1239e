/**
 * What every call to Allegro shares, for one seller account: the HTTP agent, the token (a 401
 * refreshes it once, shared with concurrent callers, and repeats the call once), answers
 * validated with zod and failures as typed errors (domain/errors.ts) carrying the Trace-Id.
 * The reads (client.ts) and the write-back (write-back.ts) build on it.
 */
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { PermanentError } from '../../domain/errors';
import { classifyAllegroResponse, invalidAnswerError, type AllegroCallContext } from './errors';
import {
  ALLEGRO_MEDIA_TYPE,
  allegroUrls,
  createAllegroAgent,
  DEFAULT_TIMEOUTS,
  DEFAULT_USER_AGENT,
  send,
  type AllegroTarget,
  type AllegroUrls,
  type HttpTimeouts,
} from './http';
import type { OAuthConfig } from './oauth';
import { AllegroTokenManager, type TokenStore } from './token-store';

export interface AllegroClientOptions {
  /** The account's name in settings; keys the token store. */
  account: string;
  target: AllegroTarget;
  clientId: string;
  clientSecret: string;
  tokenStore: TokenStore;
  /** `RegisteredAppName/version (+https://info-url)`; default DEFAULT_USER_AGENT. */
  userAgent?: string;
  /** Language of `userMessage` in errors, e.g. `pl-PL`. */
  acceptLanguage?: string;
  /** Inject a dispatcher (a MockAgent in tests); default: an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  timeouts?: Partial<HttpTimeouts>;
  /** Sockets per origin for the own Agent. Default 8. */
  connectionsPerOrigin?: number;
  now?: () => Date;
  /** Refresh this long before expiry. Default 60 s. */
  refreshMarginMs?: number;
}

type Query = Record<string, string | number | readonly string[] | undefined>;

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  query?: Query;
  body?: unknown;
  /** Absent: no answer body expected (204). */
  schema?: S;
  /** What the answer is, for validation messages. */
  what: string;
  checkoutFormId?: string;
}

function toQueryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'object') for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function badArgument(message: string): PermanentError {
  return new PermanentError(message, { system: 'allegro', code: 'INVALID_ARGUMENT' });
}

export function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw badArgument(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

export class AllegroTransport {
  readonly account: string;
  readonly urls: AllegroUrls;
  readonly tokens: AllegroTokenManager;
  /** For the CLI's device flow against the same host, agent and User-Agent. */
  readonly oauth: OAuthConfig;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeouts: HttpTimeouts;
  private readonly userAgent: string;
  private readonly acceptLanguage?: string;
  protected readonly now: () => Date;

  constructor(opts: AllegroClientOptions) {
    this.account = opts.account;
    this.urls = allegroUrls(opts.target);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? createAllegroAgent(this.timeouts, opts.connectionsPerOrigin ?? 8);
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.acceptLanguage = opts.acceptLanguage;
    this.now = opts.now ?? (() => new Date());
    this.oauth = {
      authUrl: this.urls.authUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      dispatcher: this.dispatcher,
      userAgent: this.userAgent,
      timeouts: this.timeouts,
    };
    this.tokens = new AllegroTokenManager({
      account: opts.account,
      store: opts.tokenStore,
      oauth: this.oauth,
      now: this.now,
      refreshMarginMs: opts.refreshMarginMs,
    });
  }

  /** Closes the own agent (not an injected dispatcher). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  protected call<S extends z.ZodType>(spec: CallSpec<S> & { schema: S }): Promise<z.output<S>>;
  protected call(spec: CallSpec<z.ZodType> & { schema?: undefined }): Promise<void>;
  protected async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S> | void> {
    const path = `${spec.path}${toQueryString(spec.query)}`;
    let token = await this.tokens.getAccessToken();
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        accept: ALLEGRO_MEDIA_TYPE,
        authorization: `Bearer ${token}`,
        'user-agent': this.userAgent,
      };
      if (this.acceptLanguage) headers['accept-language'] = this.acceptLanguage;
      if (spec.body !== undefined) headers['content-type'] = ALLEGRO_MEDIA_TYPE;
      const ctx: AllegroCallContext = {
        method: spec.method,
        path: spec.path,
        checkoutFormId: spec.checkoutFormId,
        secrets: this.tokens.secrets(),
      };
      const res = await send(
        this.dispatcher,
        {
          origin: this.urls.apiUrl,
          method: spec.method,
          path,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        },
        this.timeouts,
      );
      ctx.traceId = res.traceId;
      const verdict = classifyAllegroResponse(res.status, res.body, ctx);
      if (verdict.kind === 'unauthorized') {
        if (attempt > 1) throw verdict.error;
        token = await this.tokens.refresh(token);
        continue;
      }
      if (verdict.kind === 'error') throw verdict.error;
      if (!spec.schema) return;
      const parsed = spec.schema.safeParse(res.body);
      if (!parsed.success) {
        throw invalidAnswerError(spec.what, parsed.error, { ...ctx, order: spec.checkoutFormId !== undefined });
      }
      return parsed.data;
    }
  }
}
