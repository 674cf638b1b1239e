/**
 * Where an account's Allegro tokens live, and the one place that refreshes them.
 *
 * Allegro refresh tokens work once (the old one dies ~60 s after use), so refreshes are
 * serialised per account: a single-flight promise inside a process, and a lock file
 * (O_EXCL) across processes. A refresh that finds the store already holding a newer token
 * (another refresh won) uses that token instead of spending the refresh token again.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { PermanentError, TransientError } from '../../domain/errors';
import { refreshAccessToken, type OAuthConfig } from './oauth';

export const StoredTokenSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ISO time the access token expires. */
  expiresAt: z.string(),
  /** ISO time Allegro issued the pair. */
  obtainedAt: z.string(),
  scope: z.string().optional(),
});
export type StoredToken = z.infer<typeof StoredTokenSchema>;

export interface TokenStore {
  load(account: string): Promise<StoredToken | null>;
  /** Replaces the account's token; readers never see a half-written one. */
  save(account: string, token: StoredToken): Promise<void>;
  /** Runs `fn` holding the account's refresh lock (across processes for the file store). */
  withLock<T>(account: string, fn: () => Promise<T>): Promise<T>;
}

const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkAccount(account: string): void {
  if (!ACCOUNT_NAME.test(account)) {
    throw new PermanentError(`invalid Allegro account name "${account}": use letters, digits, '.', '_' or '-'`, {
      system: 'allegro',
      code: 'INVALID_ACCOUNT',
    });
  }
}

/** Per-key promise chain: the in-process lock of MemoryTokenStore. */
class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** For tests and one-off tools: tokens in memory, copied in and out so callers cannot mutate them. */
export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredToken>();
  private readonly mutex = new KeyedMutex();

  constructor(initial: Record<string, StoredToken> = {}) {
    for (const [account, token] of Object.entries(initial)) this.tokens.set(account, { ...token });
  }

  async load(account: string): Promise<StoredToken | null> {
    const token = this.tokens.get(account);
    return token ? { ...token } : null;
  }

  async save(account: string, token: StoredToken): Promise<void> {
    this.tokens.set(account, { ...token });
  }

  withLock<T>(account: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(account, fn);
  }
}

export interface FileTokenStoreOptions {
  /** Directory of `<account>.json` files; created with mode 0700. Default `.data/tokens`. */
  dir?: string;
  /** A lock file older than this is from a dead process and is broken. Default 30 s. */
  lockStaleMs?: number;
  /** Give up waiting for the lock after this long (TransientError). Default 60 s. */
  lockWaitMs?: number;
  /** How often a waiter looks at the lock again. Default 100 ms. */
  lockPollMs?: number;
}

/** One JSON file per account (mode 0600), replaced atomically (temp file + rename). */
export class FileTokenStore implements TokenStore {
  readonly dir: string;
  private readonly lockStaleMs: number;
  private readonly lockWaitMs: number;
  private readonly lockPollMs: number;

  constructor(opts: FileTokenStoreOptions = {}) {
    this.dir = path.resolve(opts.dir ?? '.data/tokens');
    this.lockStaleMs = opts.lockStaleMs ?? 30_000;
    this.lockWaitMs = opts.lockWaitMs ?? 60_000;
    this.lockPollMs = opts.lockPollMs ?? 100;
  }

  fileOf(account: string): string {
    checkAccount(account);
    return path.join(this.dir, `${account}.json`);
  }

  async load(account: string): Promise<StoredToken | null> {
    const file = this.fileOf(account);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = StoredTokenSchema.safeParse(json);
    if (!parsed.success) {
      // Never quote the file: it holds tokens.
      throw new PermanentError(`token file ${file} is damaged: authorise the account "${account}" again`, {
        system: 'allegro',
        code: 'TOKEN_FILE_DAMAGED',
      });
    }
    return parsed.data;
  }

  async save(account: string, token: StoredToken): Promise<void> {
    const file = this.fileOf(account);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(StoredTokenSchema.parse(token), null, 2));
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async withLock<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const lockFile = `${this.fileOf(account)}.lock`;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const release = await this.acquire(lockFile);
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  private async acquire(lockFile: string): Promise<() => Promise<void>> {
    const nonce = `${process.pid}:${randomBytes(8).toString('hex')}`;
    const deadline = Date.now() + this.lockWaitMs;
    for (;;) {
      try {
        const handle = await open(lockFile, 'wx', 0o600);
        try {
          await handle.writeFile(nonce);
        } finally {
          await handle.close();
        }
        // Keep the lock fresh while a slow refresh runs, so nobody takes it as stale.
        const heartbeat = setInterval(
          () => {
            const now = new Date();
            utimes(lockFile, now, now).catch(() => undefined);
          },
          Math.max(50, Math.floor(this.lockStaleMs / 3)),
        );
        heartbeat.unref();
        return async () => {
          clearInterval(heartbeat);
          const content = await readFile(lockFile, 'utf8').catch(() => undefined);
          if (content === nonce) await unlink(lockFile).catch(() => undefined);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.breakIfStale(lockFile)) continue;
      if (Date.now() >= deadline) {
        throw new TransientError(`Allegro token lock ${lockFile} is held by another process for too long`, {
          system: 'allegro',
          code: 'TOKEN_LOCK_TIMEOUT',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, this.lockPollMs));
    }
  }

  /** Removes a lock whose holder stopped touching it; only if it is still the same lock. */
  private async breakIfStale(lockFile: string): Promise<boolean> {
    try {
      const before = await stat(lockFile);
      if (Date.now() - before.mtimeMs < this.lockStaleMs) return false;
      const content = await readFile(lockFile, 'utf8');
      const again = await stat(lockFile);
      if (again.mtimeMs !== before.mtimeMs || (await readFile(lockFile, 'utf8')) !== content) return false;
      await unlink(lockFile);
      return true;
    } catch (error) {
      // Gone meanwhile: the holder released it; just try again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
  }
}

export interface TokenManagerOptions {
  account: string;
  store: TokenStore;
  oauth: OAuthConfig;
  now?: () => Date;
  /** Refresh this long before the access token expires. Default 60 s. */
  refreshMarginMs?: number;
}

function notAuthorised(account: string): PermanentError {
  return new PermanentError(
    `Allegro account "${account}" is not authorised: run the device authorisation (auth) first`,
    {
      system: 'allegro',
      code: 'NOT_AUTHORISED',
    },
  );
}

/** Hands out an account's access token and refreshes it, one refresh at a time. */
export class AllegroTokenManager {
  readonly account: string;
  private readonly store: TokenStore;
  private readonly oauth: OAuthConfig;
  private readonly now: () => Date;
  private readonly marginMs: number;
  private cached: StoredToken | null = null;
  private inflight: Promise<string> | null = null;

  constructor(opts: TokenManagerOptions) {
    checkAccount(opts.account);
    this.account = opts.account;
    this.store = opts.store;
    this.oauth = opts.oauth;
    this.now = opts.now ?? (() => new Date());
    this.marginMs = opts.refreshMarginMs ?? 60_000;
  }

  /** A usable access token, refreshed first when it expires within the margin. */
  async getAccessToken(): Promise<string> {
    if (!this.cached) this.cached = await this.store.load(this.account);
    if (!this.cached) throw notAuthorised(this.account);
    if (this.expiring(this.cached)) return this.refresh(this.cached.accessToken);
    return this.cached.accessToken;
  }

  /** The tokens this manager knows now: to keep them out of messages. */
  secrets(): string[] {
    return this.cached ? [this.cached.accessToken, this.cached.refreshToken] : [];
  }

  /**
   * Allegro refused `rejected` (401) or it expired: returns a newer access token. Concurrent
   * callers share one refresh; a refresh that lost the race reloads the stored token.
   */
  refresh(rejected: string): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.refreshOnce(rejected).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private expiring(token: StoredToken): boolean {
    const expiresAt = Date.parse(token.expiresAt);
    return !Number.isFinite(expiresAt) || expiresAt - this.marginMs <= this.now().getTime();
  }

  private async refreshOnce(rejected: string): Promise<string> {
    const startedWith = this.cached?.refreshToken;
    return this.store.withLock(this.account, async () => {
      const stored = await this.store.load(this.account);
      if (!stored) throw notAuthorised(this.account);
      const rotated = startedWith !== undefined && stored.refreshToken !== startedWith;
      const fresher = stored.accessToken !== rejected;
      if ((rotated || fresher) && !this.expiring(stored)) {
        // Lost the race: someone (this or another process) refreshed since we started.
        this.cached = stored;
        return stored.accessToken;
      }
      // Always the refresh token read under the lock: never one already spent.
      const next = await refreshAccessToken(this.oauth, stored.refreshToken, this.now);
      // Persist before use: if we die now, the new pair is not lost.
      await this.store.save(this.account, next);
      this.cached = next;
      return next.accessToken;
    });
  }
}
