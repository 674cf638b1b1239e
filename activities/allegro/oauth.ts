/**
 * Allegro OAuth: the device flow (authorise an account without a browser on our side) and
 * the refresh grant. Calls go to `<authUrl>/auth/oauth/*` with Basic client credentials.
 * Tokens never appear in an error: OAuth error descriptions can quote them, so every
 * message passes through `redact`.
 */
import type { Dispatcher } from 'undici';
import {
  DeviceCodeResponseSchema,
  OAuthErrorSchema,
  OAuthTokenResponseSchema,
  type OAuthTokenResponse,
} from '../../domain/allegro';
import { PermanentError, TransientError } from '../../domain/errors';
import { classifyAllegroResponse, invalidAnswerError, redact } from './errors';
import { createAllegroAgent, DEFAULT_TIMEOUTS, DEFAULT_USER_AGENT, send, type HttpTimeouts } from './http';
import type { StoredToken, TokenStore } from './token-store';

export interface OAuthConfig {
  /** Origin of `/auth/oauth/*`: `allegroUrls(target).authUrl`. */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  /** The client's agent (or a MockAgent in tests); default: a shared one for OAuth calls. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  timeouts?: HttpTimeouts;
}

const FORM = 'application/x-www-form-urlencoded';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

type BoundOAuth = OAuthConfig & { dispatcher: Dispatcher };

/** Without an injected dispatcher, one short-lived agent per flow: nothing left open afterwards. */
async function withOAuthConfig<T>(cfg: OAuthConfig, fn: (cfg: BoundOAuth) => Promise<T>): Promise<T> {
  if (cfg.dispatcher) return fn({ ...cfg, dispatcher: cfg.dispatcher });
  const agent = createAllegroAgent(cfg.timeouts ?? DEFAULT_TIMEOUTS, 1);
  try {
    return await fn({ ...cfg, dispatcher: agent });
  } finally {
    await agent.close();
  }
}

async function postForm(cfg: BoundOAuth, path: string, form: Record<string, string>) {
  const basic = Buffer.from(`${cfg.clientId}:${cfg.clientSecret}`).toString('base64');
  return send(
    cfg.dispatcher,
    {
      origin: cfg.authUrl,
      method: 'POST',
      path,
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': FORM,
        accept: 'application/json',
        'user-agent': cfg.userAgent ?? DEFAULT_USER_AGENT,
      },
      body: new URLSearchParams(form).toString(),
    },
    cfg.timeouts ?? DEFAULT_TIMEOUTS,
  );
}

/** The pair as we store it; `now` is when Allegro answered. */
function toStoredToken(answer: OAuthTokenResponse, now: Date): StoredToken {
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresAt: new Date(now.getTime() + answer.expires_in * 1000).toISOString(),
    obtainedAt: now.toISOString(),
    ...(answer.scope ? { scope: answer.scope } : {}),
  };
}

function parseToken(body: unknown, secrets: string[], traceId: string | undefined): OAuthTokenResponse {
  const parsed = OAuthTokenResponseSchema.safeParse(body);
  if (!parsed.success) throw invalidAnswerError('token answer', parsed.error, { traceId, secrets });
  return parsed.data;
}

/** The grant was refused: the refresh token is spent/expired, or the client credentials are wrong. */
function grantError(status: number, body: unknown, traceId: string | undefined, secrets: string[]) {
  const oauth = OAuthErrorSchema.safeParse(body);
  const code = oauth.success ? oauth.data.error : undefined;
  const why = oauth.success
    ? `${oauth.data.error}${oauth.data.error_description ? `: ${oauth.data.error_description}` : ''}`
    : '';
  const hint =
    code === 'invalid_client' || status === 401
      ? 'check the Allegro client id and secret'
      : 'authorise the account again (device flow)';
  return new PermanentError(
    redact(
      `Allegro token endpoint refused the grant (${status}${why ? ` ${why}` : ''}): ${hint}${traceId ? ` (Trace-Id ${traceId})` : ''}`,
      secrets,
    ),
    {
      system: 'allegro',
      status,
      code: code ?? 'invalid_grant',
      traceId,
    },
  );
}

/** `grant_type=refresh_token`. Use AllegroTokenManager, which serialises and persists this. */
export function refreshAccessToken(
  cfg: OAuthConfig,
  refreshToken: string,
  now: () => Date = () => new Date(),
): Promise<StoredToken> {
  return withOAuthConfig(cfg, (c) => refreshWith(c, refreshToken, now));
}

async function refreshWith(cfg: BoundOAuth, refreshToken: string, now: () => Date): Promise<StoredToken> {
  const secrets = [refreshToken];
  const res = await postForm(cfg, '/auth/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  if (res.status === 200) return toStoredToken(parseToken(res.body, secrets, res.traceId), now());
  if (res.status === 400 || res.status === 401) throw grantError(res.status, res.body, res.traceId, secrets);
  const cls = classifyAllegroResponse(res.status, res.body, {
    method: 'POST',
    path: '/auth/oauth/token',
    traceId: res.traceId,
    secrets,
  });
  throw cls.kind === 'error'
    ? cls.error
    : new TransientError('unexpected token endpoint answer', { system: 'allegro', status: res.status });
}

export interface DeviceAuthorization {
  deviceCode: string;
  /** What the person types (e.g. `kvntgmijf`). */
  userCode: string;
  verificationUri: string;
  /** The URI with the code filled in: show this one if present. */
  verificationUriComplete?: string;
  /** When the codes stop working. */
  expiresAt: Date;
  /** Seconds between polls as Allegro asks (default 5). */
  intervalSeconds: number;
}

/** Step 1 of the device flow: `POST /auth/oauth/device` with Basic auth and client_id. */
export function startDeviceAuthorization(
  cfg: OAuthConfig,
  opts: { scopes?: string[]; now?: () => Date } = {},
): Promise<DeviceAuthorization> {
  return withOAuthConfig(cfg, (c) => startWith(c, opts));
}

async function startWith(cfg: BoundOAuth, opts: { scopes?: string[]; now?: () => Date }): Promise<DeviceAuthorization> {
  const now = opts.now ?? (() => new Date());
  const form: Record<string, string> = { client_id: cfg.clientId };
  if (opts.scopes?.length) form.scope = opts.scopes.join(' ');
  const res = await postForm(cfg, '/auth/oauth/device', form);
  if (res.status !== 200) {
    if (res.status === 400 || res.status === 401) throw grantError(res.status, res.body, res.traceId, []);
    const cls = classifyAllegroResponse(res.status, res.body, {
      method: 'POST',
      path: '/auth/oauth/device',
      traceId: res.traceId,
    });
    throw cls.kind === 'error'
      ? cls.error
      : new TransientError('unexpected device endpoint answer', { system: 'allegro', status: res.status });
  }
  const parsed = DeviceCodeResponseSchema.safeParse(res.body);
  if (!parsed.success) throw invalidAnswerError('device code answer', parsed.error, { traceId: res.traceId });
  const d = parsed.data;
  return {
    deviceCode: d.device_code,
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    verificationUriComplete: d.verification_uri_complete ?? undefined,
    expiresAt: new Date(now().getTime() + d.expires_in * 1000),
    intervalSeconds: d.interval ?? 5,
  };
}

/** Known reasons; any other OAuth `error` value is passed on as is. */
export type DeviceFlowFailure =
  'access_denied' | 'expired_token' | 'invalid_device_code' | 'invalid_client' | 'aborted' | (string & {});

/** The device flow ended without a token; `details.code` says why (start again, or fix the app). */
export class DeviceFlowError extends PermanentError {
  constructor(
    message: string,
    readonly reason: DeviceFlowFailure,
    traceId?: string,
  ) {
    super(message, { system: 'allegro', code: reason, traceId });
  }
}

export interface PollOptions {
  now?: () => Date;
  /** Waits between polls; tests pass a fake one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Called after each "not yet" answer (e.g. to print a dot). */
  onPending?: (info: { intervalSeconds: number; slowDown: boolean }) => void;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const SLOW_DOWN_STEP_SECONDS = 5; // RFC 8628 §3.5

/**
 * Step 2: polls the token endpoint every `interval` seconds until the person approves
 * (token), refuses (`access_denied`), or the codes expire / are invalid (DeviceFlowError).
 * `slow_down` (and a 429) lengthens the interval; 5xx and network errors are polled through.
 */
export function pollDeviceToken(
  cfg: OAuthConfig,
  device: DeviceAuthorization,
  opts: PollOptions = {},
): Promise<StoredToken> {
  return withOAuthConfig(cfg, (c) => pollWith(c, device, opts));
}

async function pollWith(cfg: BoundOAuth, device: DeviceAuthorization, opts: PollOptions): Promise<StoredToken> {
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? abortableSleep;
  let intervalSeconds = Math.max(1, device.intervalSeconds);
  const secrets = [device.deviceCode];
  for (;;) {
    if (now().getTime() + intervalSeconds * 1000 > device.expiresAt.getTime()) {
      throw new DeviceFlowError(
        'the device code expired before the account was authorised: start again',
        'expired_token',
      );
    }
    try {
      await sleep(intervalSeconds * 1000, opts.signal);
    } catch {
      throw new DeviceFlowError('device authorisation was cancelled', 'aborted');
    }
    let res;
    try {
      res = await postForm(cfg, '/auth/oauth/token', { grant_type: DEVICE_GRANT, device_code: device.deviceCode });
    } catch (error) {
      if (error instanceof TransientError) continue;
      throw error;
    }
    if (res.status === 200) return toStoredToken(parseToken(res.body, secrets, res.traceId), now());

    const oauth = OAuthErrorSchema.safeParse(res.body);
    const error = oauth.success ? oauth.data.error : undefined;
    const description = oauth.success ? (oauth.data.error_description ?? '') : '';
    const slowDown = error === 'slow_down' || res.status === 429;
    if (error === 'authorization_pending' || slowDown) {
      if (slowDown) intervalSeconds += SLOW_DOWN_STEP_SECONDS;
      opts.onPending?.({ intervalSeconds, slowDown });
      continue;
    }
    if (res.status >= 500) continue;
    if (error === 'access_denied') {
      throw new DeviceFlowError(
        'the person refused to authorise the application on Allegro',
        'access_denied',
        res.traceId,
      );
    }
    // Real body: invalid_request + "Invalid device code"; the docs' sample: error "Invalid device code".
    if (/invalid device code/i.test(`${error ?? ''} ${description}`)) {
      throw new DeviceFlowError(
        'the device code is invalid, used or expired: start again',
        'invalid_device_code',
        res.traceId,
      );
    }
    if (error === 'expired_token') {
      throw new DeviceFlowError(
        'the device code expired before the account was authorised: start again',
        'expired_token',
        res.traceId,
      );
    }
    const reason =
      res.status === 401 || error === 'invalid_client' ? 'invalid_client' : (error ?? `http_${res.status}`);
    throw new DeviceFlowError(
      redact(
        `Allegro ended the device flow (${res.status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''})`,
        secrets,
      ),
      reason,
      res.traceId,
    );
  }
}

export interface AuthorizeDeviceOptions extends PollOptions {
  account: string;
  store: TokenStore;
  scopes?: string[];
  /** Show the person where to go; called once, before polling starts. */
  onPrompt: (device: DeviceAuthorization) => void | Promise<void>;
}

/** The whole device flow for the CLI: start, prompt, poll, save the pair in the store. */
export async function authorizeDevice(cfg: OAuthConfig, opts: AuthorizeDeviceOptions): Promise<StoredToken> {
  const device = await startDeviceAuthorization(cfg, { scopes: opts.scopes, now: opts.now });
  await opts.onPrompt(device);
  const token = await pollDeviceToken(cfg, device, opts);
  await opts.store.withLock(opts.account, () => opts.store.save(opts.account, token));
  return token;
}

/** Shown to people as `XXX XXX XXX`, as Allegro's docs suggest. */
export function formatUserCode(userCode: string): string {
  return userCode.replace(/(.{3})(?=.)/g, '$1 ');
}
