/**
 * Allegro's OAuth as the integrator meets it (CONTRACT.md §2): the device flow with one-shot
 * device codes, refresh tokens that work once, access tokens that expire. Token strings are
 * JWT-shaped with random signatures (never derived from the seed: they are secrets).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  sellerId: string;
  accessTokenTtlSeconds: number;
  autoApproveDevice: boolean;
  deviceIntervalSeconds: number;
  /** Business clock (token and device-code lifetimes). */
  now: () => number;
}

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

interface DeviceCode {
  userCode: string;
  clientId: string;
  expiresAt: number;
  state: 'pending' | 'approved' | 'denied';
  /** Wall-clock time of the last poll, for slow_down (a fixed test clock must not trigger it). */
  lastPollAt?: number;
}

const DEVICE_CODE_TTL_SECONDS = 3600;
const SCOPE =
  'allegro:api:orders:read allegro:api:orders:write allegro:api:sale:offers:read allegro:api:sale:offers:write allegro:api:profile:read';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const oauthError = (status: number, error: string, description: string): OAuthAnswer => ({
  status,
  body: { error, error_description: description },
});
/** Allegro echoes the token in some messages; we echo only its start. */
const head = (token: string) => `${token.slice(0, 12)}…`;

export type BearerCheck =
  { ok: true; clientId: string } | { ok: false; body: { error: string; error_description: string } };

export class OAuthServer {
  private readonly devices = new Map<string, DeviceCode>();
  private readonly deviceByUserCode = new Map<string, string>();
  private readonly accessTokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, { clientId: string; used: boolean }>();
  tokensIssued = 0;
  refreshes = 0;

  constructor(private readonly opts: OAuthOptions) {}

  /** POST /auth/oauth/device (Basic auth; client_id in the form or the query). */
  device(authorization: string | undefined, params: URLSearchParams, verificationUri: string): OAuthAnswer {
    const client = this.client(authorization);
    if (!client) return oauthError(401, 'invalid_client', 'Bad client credentials');
    if (params.get('client_id') !== null && params.get('client_id') !== client)
      return oauthError(400, 'invalid_request', 'client_id does not match the credentials');
    const userCode = randomLetters(9);
    const deviceCode = randomBytes(24).toString('base64url').slice(0, 32);
    this.devices.set(deviceCode, {
      userCode,
      clientId: client,
      expiresAt: this.opts.now() + DEVICE_CODE_TTL_SECONDS * 1000,
      state: this.opts.autoApproveDevice ? 'approved' : 'pending',
    });
    this.deviceByUserCode.set(userCode, deviceCode);
    return {
      status: 200,
      body: {
        device_code: deviceCode,
        expires_in: DEVICE_CODE_TTL_SECONDS,
        user_code: userCode,
        interval: this.opts.deviceIntervalSeconds,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?code=${userCode}`,
      },
    };
  }

  /** POST /auth/oauth/token: device_code and refresh_token grants. */
  token(authorization: string | undefined, params: URLSearchParams): OAuthAnswer {
    const client = this.client(authorization);
    if (!client) return oauthError(401, 'invalid_client', 'Bad client credentials');
    const grant = params.get('grant_type');
    if (grant === DEVICE_GRANT) return this.pollDevice(client, params.get('device_code') ?? '');
    if (grant === 'refresh_token') return this.refresh(client, params.get('refresh_token') ?? '');
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grant ?? ''}`);
  }

  /** Decides on a user code as the person at verification_uri would; false if unknown. */
  decide(userCode: string, approve: boolean): boolean {
    const device = this.devices.get(this.deviceByUserCode.get(userCode.replace(/[\s-]/g, '').toLowerCase()) ?? '');
    if (!device || device.state !== 'pending') return false;
    device.state = approve ? 'approved' : 'denied';
    return true;
  }

  /** Tokens without the device flow (tests), as if a seller had just authorised. */
  issueTokens(): { accessToken: string; refreshToken: string } {
    const answer = this.tokenResponse(this.opts.clientId).body;
    return { accessToken: answer.access_token as string, refreshToken: answer.refresh_token as string };
  }

  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = -Infinity;
  }

  /** Checks `Authorization: Bearer …` on an API call. */
  bearer(authorization: string | undefined): BearerCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match)
      return {
        ok: false,
        body: { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' },
      };
    const token = this.accessTokens.get(match[1]);
    if (!token)
      return { ok: false, body: { error: 'invalid_token', error_description: 'Cannot convert access token to JSON' } };
    if (token.expiresAt <= this.opts.now())
      return {
        ok: false,
        body: { error: 'invalid_token', error_description: `Access token expired: ${head(match[1])}` },
      };
    return { ok: true, clientId: token.clientId };
  }

  private client(authorization: string | undefined): string | undefined {
    const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    return colon > 0 && id === this.opts.clientId && secret === this.opts.clientSecret ? id : undefined;
  }

  private pollDevice(client: string, deviceCode: string): OAuthAnswer {
    const device = this.devices.get(deviceCode);
    if (!device || device.clientId !== client || device.expiresAt <= this.opts.now()) {
      if (device) this.forget(deviceCode, device);
      return oauthError(400, 'invalid_request', 'Invalid device code');
    }
    const wall = Date.now();
    const tooSoon =
      device.lastPollAt !== undefined && wall - device.lastPollAt < this.opts.deviceIntervalSeconds * 1000;
    device.lastPollAt = wall;
    if (tooSoon) return oauthError(400, 'slow_down', 'Polling too frequently, increase the interval');
    if (device.state === 'pending')
      return oauthError(400, 'authorization_pending', 'User has not authorized the device code yet.');
    // A device code answers once, with tokens or with the refusal.
    this.forget(deviceCode, device);
    if (device.state === 'denied') return oauthError(400, 'access_denied', 'User denied access');
    return this.tokenResponse(client);
  }

  private refresh(client: string, refreshToken: string): OAuthAnswer {
    const known = this.refreshTokens.get(refreshToken);
    if (!known || known.used || known.clientId !== client)
      return oauthError(400, 'invalid_grant', `Invalid refresh token: ${head(refreshToken)}`);
    known.used = true;
    this.refreshes++;
    return this.tokenResponse(client);
  }

  private forget(deviceCode: string, device: DeviceCode): void {
    this.devices.delete(deviceCode);
    this.deviceByUserCode.delete(device.userCode);
  }

  private tokenResponse(clientId: string): OAuthAnswer {
    const ttl = this.opts.accessTokenTtlSeconds;
    const issuedAt = this.opts.now();
    const jti = randomUUID();
    const jwt = (payload: Record<string, unknown>) =>
      `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
    const common = { user_name: this.opts.sellerId, client_id: clientId, scope: SCOPE.split(' '), allegro_api: true };
    const accessToken = jwt({ ...common, exp: Math.floor(issuedAt / 1000) + ttl, jti });
    const refreshToken = jwt({
      ...common,
      exp: Math.floor(issuedAt / 1000) + 90 * 86_400,
      ati: jti,
      jti: randomUUID(),
    });
    this.accessTokens.set(accessToken, { clientId, expiresAt: issuedAt + ttl * 1000 });
    this.refreshTokens.set(refreshToken, { clientId, used: false });
    this.tokensIssued++;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        refresh_token: refreshToken,
        expires_in: ttl,
        scope: SCOPE,
        allegro_api: true,
        jti,
      },
    };
  }
}

function randomLetters(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join('');
}
