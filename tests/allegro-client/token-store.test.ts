import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AllegroTokenManager,
  FileTokenStore,
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
} from '../../activities/allegro/token-store';
import { PermanentError, TransientError } from '../../domain/errors';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startFakeAllegro,
  tokenPair,
  TokenAuthority,
  type FakeAllegro,
} from './fake-allegro';

const run = promisify(execFile);
let dir: string;
let server: FakeAllegro | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allegro-token-store-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('FileTokenStore', () => {
  test('saves one JSON file per account, mode 0600, and loads it back; missing account → null', async () => {
    const store = new FileTokenStore({ dir: path.join(dir, 'tokens') });
    const token = tokenPair('a');
    expect(await store.load('shop')).toBeNull();
    await store.save('shop', token);
    await store.save('other-shop', tokenPair('b'));
    expect(await store.load('shop')).toEqual(token);
    const file = store.fileOf('shop');
    expect(path.basename(file)).toBe('shop.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(token);
    if (process.platform !== 'win32') {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    }
    // Atomic replace: no temp files left behind.
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['other-shop.json', 'shop.json']);
  });

  test('a reader never sees a half-written file while saves go on', async () => {
    const store = new FileTokenStore({ dir });
    await store.save('shop', tokenPair('0'));
    const writes = Array.from({ length: 30 }, (_, i) => store.save('shop', tokenPair(`w${i}`)));
    const reads = Array.from({ length: 30 }, () => store.load('shop'));
    const results = await Promise.all([...writes, ...reads]);
    for (const read of results.slice(30)) expect((read as StoredToken).accessToken).toMatch(/^eyJ/);
  });

  test('a damaged file is PermanentError that does not quote the file', async () => {
    const store = new FileTokenStore({ dir });
    fs.writeFileSync(store.fileOf('shop'), '{"accessToken":"secret-access-value","refreshToken":');
    const error = await store.load('shop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).not.toContain('secret-access-value');
  });

  test('account names that could escape the directory are refused', () => {
    const store = new FileTokenStore({ dir });
    expect(() => store.fileOf('../etc/passwd')).toThrow(PermanentError);
    expect(() => store.fileOf('')).toThrow(PermanentError);
  });

  test('withLock excludes a second holder (another store on the same directory) until released', async () => {
    const a = new FileTokenStore({ dir, lockPollMs: 10 });
    const b = new FileTokenStore({ dir, lockPollMs: 10 });
    const order: string[] = [];
    let releaseA!: () => void;
    const aHolds = a.withLock('shop', async () => {
      order.push('a in');
      await new Promise<void>((r) => (releaseA = r));
      order.push('a out');
    });
    await new Promise((r) => setTimeout(r, 30));
    const bWaits = b.withLock('shop', async () => void order.push('b in'));
    await new Promise((r) => setTimeout(r, 80));
    expect(order).toEqual(['a in']);
    releaseA();
    await Promise.all([aHolds, bWaits]);
    expect(order).toEqual(['a in', 'a out', 'b in']);
    expect(fs.existsSync(`${a.fileOf('shop')}.lock`)).toBe(false);
  });

  test('a stale lock file (its holder died) is broken; a fresh one makes waiters give up with TransientError', async () => {
    const store = new FileTokenStore({ dir, lockStaleMs: 1000, lockWaitMs: 200, lockPollMs: 20 });
    const lock = `${store.fileOf('shop')}.lock`;
    fs.writeFileSync(lock, 'dead-process');
    const error = await store.withLock('shop', async () => 'got it').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    const old = new Date(Date.now() - 5000);
    fs.utimesSync(lock, old, old);
    await expect(store.withLock('shop', async () => 'got it')).resolves.toBe('got it');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('AllegroTokenManager', () => {
  test('concurrent refreshes in one process share one request even when the store has no lock', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    authority.refreshDelayMs = 100;
    server = await startFakeAllegro((req) => authority.handle(req) ?? { status: 200 });
    const memory = new MemoryTokenStore({
      shop: { ...tokenPair('stale'), refreshToken: authority.current.refreshToken },
    });
    const lockless: TokenStore = {
      load: (a) => memory.load(a),
      save: (a, t) => memory.save(a, t),
      withLock: (_a, fn) => fn(),
    };
    const manager = new AllegroTokenManager({
      account: 'shop',
      store: lockless,
      oauth: { authUrl: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    const stale = await manager.getAccessToken();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => manager.refresh(stale)));
    expect(new Set(tokens)).toEqual(new Set([authority.current.accessToken]));
    expect(server.count('POST', '/auth/oauth/token')).toBe(1);
  });

  test('an expired stored token is refreshed before use; a valid one is not', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    server = await startFakeAllegro((req) => authority.handle(req) ?? { status: 200 });
    const oauth = { authUrl: server.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    const valid = new AllegroTokenManager({
      account: 'shop',
      store: new MemoryTokenStore({ shop: tokenPair('ok') }),
      oauth,
    });
    expect(await valid.getAccessToken()).toBe(tokenPair('ok').accessToken);
    expect(authority.refreshes).toBe(0);
    const expired = { ...tokenPair('old', { expired: true }), refreshToken: authority.current.refreshToken };
    const store = new MemoryTokenStore({ shop: expired });
    const manager = new AllegroTokenManager({ account: 'shop', store, oauth });
    expect(await manager.getAccessToken()).toBe(authority.current.accessToken);
    expect(authority.refreshes).toBe(1);
    expect((await store.load('shop'))!.refreshToken).toBe(authority.current.refreshToken);
  });

  test('three worker processes refreshing the same stale token at once make ONE refresh request', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    authority.refreshDelayMs = 300;
    server = await startFakeAllegro((req) => authority.handle(req) ?? { status: 200 });
    const stale = { ...tokenPair('stale'), refreshToken: authority.current.refreshToken };
    await new FileTokenStore({ dir }).save('shop', stale);
    const worker = path.join(__dirname, 'refresh-worker.ts');
    const env = {
      ...process.env,
      URL: server.url,
      DIR: dir,
      STALE: stale.accessToken,
      START_AT: String(Date.now() + 4000),
    };
    const outputs = await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ['--import', 'tsx', worker], { env, cwd: path.resolve(__dirname, '../..') }),
      ),
    );
    expect(outputs.map((o) => o.stdout)).toEqual([1, 2, 3].map(() => authority.current.accessToken));
    expect(server.count('POST', '/auth/oauth/token')).toBe(1);
    expect((await new FileTokenStore({ dir }).load('shop'))!.accessToken).toBe(authority.current.accessToken);
  });
});
