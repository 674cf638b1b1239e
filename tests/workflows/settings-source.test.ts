/**
 * The worker's view of the settings (worker/settings-source.ts): a changed file is read at the
 * next call, an invalid one keeps the last good settings with a warning, and the version is a
 * short digest that changes with the mappings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { policyVersion } from '../../activities/policy';
import { DEMO_SETTINGS } from '../../dev/demo-settings';
import { policySource } from '../../worker/settings-source';
import { testSettings } from './env';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(file: string, settings: unknown, mtime: Date): void {
  fs.writeFileSync(file, typeof settings === 'string' ? settings : stringify(settings));
  fs.utimesSync(file, mtime, mtime);
}

test('re-reads the file when it changes; keeps the last good settings when it turns invalid', async () => {
  const file = path.join(dir, 'settings.yaml');
  const payment = [...DEMO_SETTINGS.mappings.payment];
  write(file, DEMO_SETTINGS, new Date(Date.now() - 60_000));
  const warnings: string[] = [];
  const current = policySource({
    settings: testSettings(),
    file,
    env: {},
    warn: (message) => warnings.push(message),
  });

  const first = await current('shop');
  expect(first.version).toMatch(/^[0-9a-f]{12}$/);
  expect(first.policy.paymentMappings.some((m) => m.type === 'CRYPTO')).toBe(false);

  const fixed = {
    ...DEMO_SETTINGS,
    mappings: { ...DEMO_SETTINGS.mappings, payment: [...payment, { type: 'CRYPTO', paymentForm: 'przelew' }] },
  };
  write(file, fixed, new Date(Date.now() - 30_000));
  const second = await current('shop');
  expect(second.policy.paymentMappings).toContainEqual({ type: 'CRYPTO', paymentForm: 'przelew' });
  expect(second.version).not.toBe(first.version);
  expect(second.version).toBe(policyVersion(second.policy));

  write(file, 'import:\n  stage: SOMETIME\n', new Date());
  const third = await current('shop');
  expect(third).toEqual(second);
  expect(warnings).toEqual(['settings file invalid; keeping the last good settings']);
});

test('without a file the settings given at start stay in force', async () => {
  const current = policySource({ settings: testSettings() });
  const a = await current('shop');
  expect((await current('shop')).version).toBe(a.version);
  expect(a.policy.licenceRetryDelaySeconds).toBe(1);
});
