/**
 * A worker configured for SQL Server never loads better-sqlite3 (the embedded Optima's
 * driver): production code does not import dev/, and the embedded driver factory the entry
 * points offer loads it only when the settings ask for the embedded Optima. The control
 * proves the probe sees it when it is loaded.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_SETTINGS } from '../../dev/demo-settings';
import { testAddress, testNamespace, uniqueName } from '../harness/temporal';

const ROOT = path.resolve(__dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-sqlite-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A local port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function wireInChild(optima: object): Promise<{ connected: boolean; sqliteModules: string[] }> {
  const file = path.join(dir, `${uniqueName('settings')}.yaml`);
  // JSON is YAML.
  fs.writeFileSync(
    file,
    JSON.stringify({
      optima,
      allegro: {
        clientId: 'test-client',
        clientSecret: 'test-secret',
        environment: 'simulator',
        simulatorUrl: 'http://127.0.0.1:9',
        userAgent: 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)',
        accounts: [{ name: 'shop' }],
        tokenStoreDir: path.join(dir, 'tokens'),
      },
      temporal: { address: testAddress(), namespace: testNamespace(), taskQueue: uniqueName('orders') },
      mappings: DEMO_SETTINGS.mappings,
    }),
  );
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AO_')) delete env[name];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'tests/optima/driver-loading-child.ts', file],
    { cwd: ROOT, env, timeout: 90_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as { connected: boolean; sqliteModules: string[] };
}

test('a SQL Server worker wiring never loads better-sqlite3; an embedded one does', async () => {
  const port = await closedPort();
  const mssql = await wireInChild({
    kind: 'mssql',
    server: '127.0.0.1',
    port,
    database: 'CDN_Firma',
    auth: { kind: 'sql', user: 'integrator', password: 'unused' },
  });
  expect(mssql.connected).toBe(false); // it did try to connect: nothing listens there
  expect(mssql.sqliteModules).toEqual([]);

  const embedded = await wireInChild({ kind: 'embedded', file: path.join(dir, 'optima.sqlite') });
  expect(embedded.connected).toBe(true);
  expect(embedded.sqliteModules).not.toEqual([]);
});
