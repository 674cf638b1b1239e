/**
 * --help of the tool and of every command, and usage errors (exit 2 with a message). None of
 * these reach Temporal, Allegro or Optima: the cwd is an empty folder (no settings.yaml), so
 * the embedded demo settings apply and no connection is opened before the arguments are valid.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../../starter/commands';
import { cli } from './io';

let cwd: string;
beforeAll(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-usage-'));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

const run = (argv: string[]) => cli(argv, { cwd });

describe('--help', () => {
  test('the tool lists every command and the exit codes', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command.name} +\\S`, 'm'));
      for (const exit of [0, 1, 2, 3]) expect(stdout).toMatch(new RegExp(`^  ${exit}  \\S`, 'm'));
      expect(stdout).toContain('--settings FILE');
      expect(stdout).toContain('--account NAME');
    }
  });

  test.each(COMMANDS.map((c) => [c.name]))('%s --help shows its usage, options and exit codes', async (name) => {
    const command = COMMANDS.find((c) => c.name === name)!;
    for (const argv of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
      ['--help', name],
    ]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain(`Usage: allegro-optima ${name}`);
      for (const option of Object.keys(command.options)) expect(stdout).toContain(`--${option}`);
      expect(stdout).toContain('--settings FILE');
      expect(stdout).toMatch(/^Exit codes:/m);
    }
  });

  test('--help wins over missing arguments', async () => {
    const { code, stdout } = await run(['reset', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--to-event ID');
  });
});

describe('usage errors exit 2 with a message', () => {
  test.each([
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['help', 'frobnicate'], /unknown command "frobnicate"/],
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['--bogus', 'status'], /unknown option --bogus before the command/],
    [['status', 'extra'], /unexpected argument "extra"/],
    [['status', '--limit', '0'], /--limit must be a positive whole number/],
    [['status', '--settings'], /argument missing/],
    [['reset'], /one of --to-event, --now, --to-date is required/],
    [['reset', '--now', '--to-event', '12'], /only one of/],
    [['reset', '--to-event', 'abc'], /--to-event takes an Allegro event id/],
    [['reset', '--to-date', 'yesterday'], /--to-date must be an ISO 8601 date/],
    [['reset', '--to-date', '2999-01-01'], /in the future/],
    [['retry'], /either a checkout form id or --all-waiting/],
    [['retry', 'abc', '--all-waiting'], /either a checkout form id or --all-waiting/],
    [['backfill'], /--from is required/],
    [['backfill', '--from', '2026-13-45'], /--from must be an ISO 8601 date/],
    [['backfill', '--from', '2026-02-01', '--to', '2026-01-01'], /--to is before --from/],
    [['import-offers', '--limit', 'many'], /--limit must be a positive whole number/],
    [['mappings', '--append'], /--append needs a settings file/],
    [['status', '--account', 'nobody'], /unknown account "nobody": the settings have "demo-seller"/],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/Run 'allegro-optima (\S+ )?--help' for usage\./);
    expect(stdout).toBe('');
  });
});

test('invalid settings exit 1 naming the bad key', async () => {
  const file = path.join(cwd, 'bad.yaml');
  fs.writeFileSync(file, 'optima: { kind: embedded }\nallegro: { clientId: x, clientSecret: y, accounts: [] }\n');
  const { code, stderr } = await run(['status', '--settings', file]);
  expect(code).toBe(1);
  expect(stderr).toMatch(/allegro\.accounts/);
});

test('a settings file that does not exist exits 1 with its name', async () => {
  const { code, stderr } = await run(['--settings', 'missing.yaml', 'status']);
  expect(code).toBe(1);
  expect(stderr).toContain(path.join(cwd, 'missing.yaml'));
});
