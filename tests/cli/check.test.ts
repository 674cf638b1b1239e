/** `check` against a working world (all ✓), and with a broken Optima file or Temporal address (✗, exit 3). */
import fs from 'node:fs';
import path from 'node:path';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
  world = await createWorld('cli-check');
  await world.startWorker();
});
afterAll(() => world?.close());

/** The table rows: mark, check name, rest. */
function rows(stdout: string): { mark: string; check: string; line: string }[] {
  return stdout
    .split('\n')
    .filter((line) => /^[✓✗!–] /.test(line))
    .map((line) => ({ mark: line[0], check: line.slice(3).split(/ {2,}/)[0], line }));
}

test('all green on a working setup', async () => {
  const { code, stdout, stderr } = await world.run(['check']);
  expect(stderr).toBe('');
  const table = rows(stdout);
  expect(table.map((r) => r.check)).toEqual(
    expect.arrayContaining([
      'Settings',
      'Temporal',
      'Temporal worker',
      'Allegro token',
      'Allegro API',
      'Document definition RO',
      'Payment mappings',
      'Delivery mappings',
    ]),
  );
  // Optima's own rows: the company and the configuration database.
  expect(table.filter((r) => /optima/i.test(r.check)).length).toBeGreaterThanOrEqual(2);
  for (const row of table) expect(row).toMatchObject({ mark: '✓' });
  expect(stdout).toContain(`All checks passed for account "${world.account}"`);
  expect(code).toBe(0);
});

test('a broken Optima file is red, with what to fix, and exits 3', async () => {
  const broken = path.join(world.dir, 'not-a-database.sqlite');
  fs.writeFileSync(broken, 'this is not an SQLite database, just text that is long enough to be read as a header');
  const { code, stdout } = await world.run(['check'], { env: { AO_OPTIMA__FILE: broken } });
  const table = rows(stdout);
  const optima = table.filter((r) => /optima/i.test(r.check));
  expect(optima.some((r) => r.mark === '✗')).toBe(true);
  expect(stdout).toContain(`fix optima.file (${broken})`);
  // The other connections are still checked and fine.
  expect(table.find((r) => r.check === 'Temporal')?.mark).toBe('✓');
  expect(table.find((r) => r.check === 'Allegro API')?.mark).toBe('✓');
  expect(code).toBe(3);
});

test('an unreachable Temporal is red and exits 3', async () => {
  const { code, stdout } = await world.run(['check'], { env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
  const table = rows(stdout);
  expect(table.find((r) => r.check === 'Temporal')?.mark).toBe('✗');
  expect(table.find((r) => r.check === 'Temporal')?.line).toMatch(/127\.0\.0\.1:1/);
  expect(table.find((r) => r.check === 'Temporal worker')?.mark).toBe('–');
  expect(table.find((r) => r.check === 'Allegro API')?.mark).toBe('✓');
  expect(code).toBe(3);
});

test('a mapping to a payment form Optima lacks is red', async () => {
  const { code, stdout } = await world.run(['check'], { env: { AO_MAPPINGS__PAYMENT__0__PAYMENT_FORM: 'Bitcoin' } });
  const payment = rows(stdout).find((r) => r.check === 'Payment mappings');
  expect(payment?.mark).toBe('✗');
  expect(payment?.line).toContain('"Bitcoin"');
  expect(code).toBe(3);
});

test('a missing token is red and points to auth', async () => {
  const { code, stdout } = await world.run(['check'], {
    env: { AO_ALLEGRO__TOKEN_STORE_DIR: path.join(world.dir, 'no-tokens') },
  });
  const token = rows(stdout).find((r) => r.check === 'Allegro token');
  expect(token?.mark).toBe('✗');
  expect(token?.line).toContain(`allegro-optima auth --account ${world.account}`);
  expect(code).toBe(3);
});
