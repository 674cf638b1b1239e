/** `mappings`: lists Allegro values without a mapping; --append writes them into the settings file. */
import fs from 'node:fs';
import { loadSettings } from '../../config/settings';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
  world = await createWorld('cli-maps');
});
afterAll(() => world?.close());

const UNKNOWN_METHOD = 'cli-test-method-0001';

test('everything mapped: exit 0', async () => {
  world.simulator.admin.addOrders(3, { status: 'READY_FOR_PROCESSING' });
  const { code, stdout } = await world.run(['mappings']);
  expect(stdout).toContain('Every payment type and delivery method seen is mapped.');
  expect(code).toBe(0);
});

test('lists an unmapped payment type and delivery method, then --append writes them once', async () => {
  world.simulator.admin.addOrder({
    paymentType: 'CRYPTO',
    paymentProvider: 'SATOSHI',
    deliveryMethodId: UNKNOWN_METHOD,
    status: 'READY_FOR_PROCESSING',
  });
  const listed = await world.run(['mappings']);
  expect(listed.stdout).toMatch(/^payment +CRYPTO \/ SATOSHI +1 +missing$/m);
  expect(listed.stdout).toMatch(new RegExp(`^delivery +${UNKNOWN_METHOD} .*1 +missing$`, 'm'));
  expect(listed.stdout).toContain('Add them with --append');
  expect(listed.code).toBe(3);
  // Listing does not touch the file.
  const before = fs.readFileSync(world.settingsFile, 'utf8');
  expect(before).not.toContain('CRYPTO');

  const appended = await world.run(['mappings', '--append']);
  expect(appended.stdout).toContain(`Appended 1 payment and 1 delivery entries to ${world.settingsFile}`);
  expect(appended.code).toBe(3);
  const text = fs.readFileSync(world.settingsFile, 'utf8');
  expect(text).toContain('added by "mappings": fill in paymentForm');
  const settings = loadSettings({ file: world.settingsFile, env: {} });
  expect(settings.mappings.payment).toContainEqual(
    expect.objectContaining({ type: 'CRYPTO', provider: 'SATOSHI', paymentForm: '' }),
  );
  expect(settings.mappings.delivery).toContainEqual(
    expect.objectContaining({ methodId: UNKNOWN_METHOD, serviceCode: '' }),
  );
  // The entries that were there stay as they were.
  expect(settings.mappings.payment.filter((m) => m.paymentForm !== '')).toHaveLength(7);

  const again = await world.run(['mappings', '--append']);
  expect(again.stdout).toMatch(/^payment +CRYPTO \/ SATOSHI +1 +empty$/m);
  expect(again.stdout).toContain('Appended 0 payment and 0 delivery entries');
  expect(fs.readFileSync(world.settingsFile, 'utf8')).toBe(text);
});

test('--seen-only leaves out the delivery-methods list; --orders limits the forms read', async () => {
  const { stdout } = await world.run(['mappings', '--seen-only', '--orders', '2']);
  expect(stdout).toContain('Read 2 checkout form(s)');
});
