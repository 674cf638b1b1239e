/** `auth`: the device flow against the simulator (auto-approved) stores an owner-only token and prints none. */
import fs from 'node:fs';
import path from 'node:path';
import { StoredTokenSchema } from '../../activities/allegro/token-store';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
  world = await createWorld('cli-auth', { autoApproveDevice: true, deviceIntervalSeconds: 1 });
});
afterAll(() => world?.close());

test('stores the token with mode 0600 and never prints it', async () => {
  const tokenDir = path.join(world.dir, 'fresh-tokens');
  const { code, stdout, stderr } = await world.run(['auth'], { env: { AO_ALLEGRO__TOKEN_STORE_DIR: tokenDir } });
  expect(stderr).toBe('');
  expect(stdout).toMatch(/open +http:\/\/127\.0\.0\.1:\d+\/\S+\?code=\w+/);
  expect(stdout).toMatch(/confirm the code +\w{3} \w{3} \w{3}/);

  const file = path.join(tokenDir, `${world.account}.json`);
  expect(stdout).toContain(`Token stored in ${file}`);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const token = StoredTokenSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  expect(stdout).not.toContain(token.accessToken);
  expect(stdout).not.toContain(token.refreshToken);
  expect(stdout).not.toContain(token.accessToken.slice(0, 24));
  expect(code).toBe(0);

  // The stored token works: check's Allegro rows are green with it.
  const check = await world.run(['check'], { env: { AO_ALLEGRO__TOKEN_STORE_DIR: tokenDir } });
  expect(check.stdout).toMatch(/^✓ +Allegro API/m);
});

test('refused credentials fail with exit 1 and a reason', async () => {
  const { code, stderr } = await world.run(['auth'], {
    env: { AO_ALLEGRO__CLIENT_SECRET: 'wrong-secret', AO_ALLEGRO__TOKEN_STORE_DIR: path.join(world.dir, 'x') },
  });
  expect(stderr).toMatch(/client id and secret|invalid_client/);
  expect(code).toBe(1);
});
