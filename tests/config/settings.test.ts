import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import {
  envVarName,
  loadSettings,
  parseSettings,
  redactSettings,
  SettingsError,
  settingsKeyPaths,
  toImportPolicy,
  toPollerInput,
  type Settings,
} from '../../config/settings';
import { DEMO_DELIVERY_METHODS, DEMO_PAYMENT_MAPPINGS, DEMO_SELLER } from '../../dev/catalogue';
import { DEMO_FALLBACK, DEMO_SETTINGS } from '../../dev/demo-settings';

const EXAMPLE_FILE = path.resolve(__dirname, '../../config/settings.example.yaml');
const EXAMPLE_ENV = { OPTIMA_SQL_PASSWORD: 'sql-secret-123', ALLEGRO_CLIENT_SECRET: 'allegro-secret-456' };

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-settings-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeYaml(text: string): string {
  const file = path.join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

/** The problems SettingsError lists, or a failure when the settings validate. */
function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  throw new Error('expected a SettingsError');
}

const demo = (env: Record<string, string> = {}) => loadSettings({ env, fallback: DEMO_FALLBACK });

describe('defaults', () => {
  test('no file: the embedded demo (simulator, embedded Optima, the catalogue mappings)', () => {
    const s = demo();
    expect(s.optima.kind).toBe('embedded');
    expect(s.allegro.environment).toBe('simulator');
    expect(s.allegro.accounts).toEqual([{ name: DEMO_SELLER.account }]);
    expect(s.mappings.payment).toHaveLength(DEMO_PAYMENT_MAPPINGS.length);
    expect(s.mappings.delivery.map((d) => d.methodId)).toEqual(DEMO_DELIVERY_METHODS.map((m) => m.id));
  });

  test('import rules default to PRODUCT.md behaviour', () => {
    const p = toImportPolicy(demo());
    expect(p).toMatchObject({
      stage: 'READY_FOR_PROCESSING',
      documentKindCompany: 'RO',
      documentKindPerson: 'RO',
      documentDateSource: 'order',
      productMatchOrder: ['link', 'ean', 'externalId', 'offerId', 'name'],
      productNotFound: 'create',
      productSets: 'wait',
      checkContractorByNip: true,
      licenceRetryDelaySeconds: 120,
    });
    expect(p.warehouseSymbol).toBeUndefined();
    const poller = toPollerInput(demo(), DEMO_SELLER.account);
    expect(poller.initialSync).toBe('now');
    expect(poller.schedule).toEqual({ kind: 'interval', seconds: 30 });
    expect(demo().allegroRateLimitPerMinute).toBe(9000);
  });

  test('a minimal file gets every default', () => {
    const file = writeYaml(
      'optima: { kind: embedded }\nallegro: { clientId: a, clientSecret: b, accounts: [{ name: shop }] }\n',
    );
    const s = loadSettings({ file, env: {} });
    expect(s.temporal).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'allegro-optima' });
    expect(s.allegro.environment).toBe('production');
    expect(s.mappings).toEqual({ payment: [], delivery: [] });
    expect(s.poller).toEqual({ schedule: { every: '30s' }, pageSize: 1000, sweepEveryHours: 24 });
  });

  test('loading does not change the embedded defaults', () => {
    const before = structuredClone(DEMO_SETTINGS);
    demo({ AO_IMPORT__STAGE: 'BOUGHT', AO_ALLEGRO__ACCOUNTS__0__NAME: 'other' });
    expect(DEMO_SETTINGS).toEqual(before);
  });
});

describe('which settings', () => {
  const minimal = 'optima: { kind: embedded }\nallegro: { clientId: a, clientSecret: b, accounts: [{ name: shop }] }\n';

  test('no file and no fallback: an error that says how to name the file', () => {
    expect(problems(() => loadSettings({ env: {} }))).toEqual([
      'no settings file: pass --settings FILE or set AO_CONFIG',
    ]);
  });

  test('a file, named or by AO_CONFIG, wins over the fallback', () => {
    const file = writeYaml(minimal);
    expect(loadSettings({ file, env: {}, fallback: DEMO_FALLBACK }).allegro.accounts).toEqual([{ name: 'shop' }]);
    expect(loadSettings({ env: { AO_CONFIG: file }, fallback: DEMO_FALLBACK }).optima).toMatchObject({
      file: '.data/optima.sqlite',
    });
  });

  test('loading again reads the file again', () => {
    const file = writeYaml(`${minimal}poller: { pageSize: 10 }\n`);
    expect(loadSettings({ file, env: {} }).poller.pageSize).toBe(10);
    fs.writeFileSync(file, `${minimal}poller: { pageSize: 20 }\n`);
    expect(loadSettings({ file, env: {} }).poller.pageSize).toBe(20);
  });

  test('config/ does not import dev/ (the demo settings are passed in)', () => {
    const root = path.resolve(__dirname, '../../config');
    const sources = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]);
    expect(sources.length).toBeGreaterThan(1);
    const importingDev = sources.filter(([, text]) => /from '(\.\.\/)+dev\//.test(text)).map(([f]) => f);
    expect(importingDev).toEqual([]);
  });
});

describe('the example file', () => {
  const text = fs.readFileSync(EXAMPLE_FILE, 'utf8');

  test('loads and validates (secrets from the environment)', () => {
    const s = loadSettings({ file: EXAMPLE_FILE, env: EXAMPLE_ENV });
    expect(s.optima.kind).toBe('mssql');
    if (s.optima.kind === 'mssql' && s.optima.auth.kind === 'sql')
      expect(s.optima.auth.password).toBe(EXAMPLE_ENV.OPTIMA_SQL_PASSWORD);
    expect(s.allegro.clientSecret).toBe(EXAMPLE_ENV.ALLEGRO_CLIENT_SECRET);
  });

  test('carries the demo mappings', () => {
    const s = loadSettings({ file: EXAMPLE_FILE, env: EXAMPLE_ENV });
    expect(s.mappings.payment).toEqual(DEMO_PAYMENT_MAPPINGS);
    expect(s.mappings.delivery.map((d) => [d.methodId, d.serviceCode])).toEqual(
      DEMO_DELIVERY_METHODS.map((m) => [m.id, m.optimaServiceCode]),
    );
  });

  test('documents every key of the schema (set, or shown commented out), so they cannot drift', () => {
    const data: unknown = parseDocument(text).toJS();
    const present = (dotted: string): boolean => {
      let nodes: unknown[] = [data];
      for (const part of dotted.split('.')) {
        const list = part.endsWith('[]');
        const key = list ? part.slice(0, -2) : part;
        nodes = nodes.flatMap((n) => {
          const v = n && typeof n === 'object' && !Array.isArray(n) ? (n as Record<string, unknown>)[key] : undefined;
          if (v === undefined) return [];
          return list && Array.isArray(v) ? (v as unknown[]) : [v];
        });
      }
      return nodes.length > 0;
    };
    const commented = (dotted: string) => {
      const key = dotted.split('.').pop()!.replace('[]', '');
      return new RegExp(`^\\s*#\\s*(- )?${key}:`, 'm').test(text);
    };
    const undocumented = settingsKeyPaths().filter((p) => !present(p) && !commented(p));
    expect(undocumented).toEqual([]);
  });
});

describe('errors name the bad key and what is allowed', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'an enum',
      { AO_IMPORT__DOCUMENT_DATE_SOURCE: 'paid' },
      /^import\.documentDateSource: must be one of order, payment, import \(got "paid"\)/,
    ],
    ['a type', { AO_POLLER__PAGE_SIZE: 'many' }, /^poller\.pageSize: must be a whole number \(got "many"\)/],
    [
      'a number',
      { AO_IMPORT__NEW_PRODUCT__VAT_RATE: 'high' },
      /^import\.newProduct\.vatRate: must be a number \(got "high"\)/,
    ],
    ['a range', { AO_POLLER__PAGE_SIZE: '5000' }, /^poller\.pageSize: must be at most 1000 \(got 5000\)/],
    [
      'a User-Agent Allegro refuses',
      { AO_ALLEGRO__USER_AGENT: 'my-shop/1.0' },
      /^allegro\.userAgent: must look like AppName\/version \(\+https:\/\/info-url\)/,
    ],
    [
      'an unknown key',
      { AO_IMPORT__DOCUMENT_DATE: 'order' },
      /^import\.documentDate: unknown key \(allowed here: stage, .*documentDateSource/,
    ],
    ['a kind', { AO_OPTIMA__KIND: 'oracle' }, /^optima\.kind: must be one of embedded, mssql \(got "oracle"\)/],
    [
      'a marketplace without its own price',
      { AO_OFFER_SYNC__MARKETPLACES: '[{ marketplace: allegro-de }]' },
      /^offerSync\.marketplaces\[0\]\.marketplace: must be one of allegro-cz, allegro-sk, allegro-hu \(got "allegro-de"\)/,
    ],
    [
      'a marketplace twice',
      { AO_OFFER_SYNC__MARKETPLACES: '[{ marketplace: allegro-cz }, { marketplace: allegro-cz, markupPercent: 5 }]' },
      /^offerSync\.marketplaces: each marketplace at most once/,
    ],
    ['a missing key', { AO_OPTIMA__KIND: 'mssql' }, /^optima\.server: is required/],
    [
      'a list item',
      { AO_ALLEGRO__ACCOUNTS__0__NAME: 'My Shop' },
      /^allegro\.accounts\[0\]\.name: must be 1-40 lower-case/,
    ],
    ['an empty list', { AO_ALLEGRO__ACCOUNTS: '[]' }, /^allegro\.accounts: must list at least one account/],
    [
      'a template placeholder',
      { AO_IMPORT__CONTRACTOR_CODE_TEMPLATE__GUEST: '{email}' },
      /^import\.contractorCodeTemplate\.guest: may only use the placeholders \{login\}/,
    ],
    [
      'a schedule',
      { AO_POLLER__SCHEDULE: '{ every: soon }' },
      /^poller\.schedule\.every: must be a duration from 5s to 24h/,
    ],
    ['a time', { AO_POLLER__SCHEDULE: "{ dailyAt: '6 rano' }" }, /^poller\.schedule\.dailyAt: must be a time HH:MM/],
    [
      'a time zone',
      { AO_POLLER__SCHEDULE: "{ dailyAt: '06:00', timeZone: Mars/Olympus }" },
      /^poller\.schedule\.timeZone: must be an IANA time zone/,
    ],
    ['a date', { AO_IMPORT__INITIAL_SYNC: 'yesterday' }, /^import\.initialSync: must be "now" or an ISO date/],
    ['a URL', { AO_ALLEGRO__SIMULATOR_URL: 'localhost' }, /^allegro\.simulatorUrl: must be a URL/],
    ['a boolean', { AO_IMPORT__MARK_PROCESSING: 'yes please' }, /^import\.markProcessing: must be true or false/],
  ];

  test.each(cases)('%s', (_what, env, expected) => {
    const found = problems(() => demo(env));
    const line = found.find((p) => expected.test(p));
    expect(line).toBeDefined();
    // An override says where the bad value came from.
    const [variable] = Object.keys(env);
    const key = envVarName(line!.slice(0, line!.indexOf(':')));
    if (key === variable || key.startsWith(`${variable}__`)) expect(line!.endsWith(`[from ${variable}]`)).toBe(true);
  });

  test('every problem at once, in a message that lists them', () => {
    try {
      demo({ AO_IMPORT__STAGE: 'PAID', AO_POLLER__PAGE_SIZE: '0' });
      throw new Error('expected a SettingsError');
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      expect((e as Error).message).toMatch(/import\.stage: must be one of BOUGHT, FILLED_IN, READY_FOR_PROCESSING/);
      expect((e as Error).message).toMatch(/poller\.pageSize: must be at least 1/);
    }
  });

  test('errors in a file name the key and the file', () => {
    const file = writeYaml(
      'optima: { kind: embedded }\nallegro: { clientId: a, clientSecret: b, accounts: [{ name: shop }] }\nimport:\n  documentDateSource: paid\n',
    );
    try {
      loadSettings({ file, env: {} });
      throw new Error('expected a SettingsError');
    } catch (e) {
      expect((e as SettingsError).source).toBe(file);
      expect((e as SettingsError).problems).toEqual([
        'import.documentDateSource: must be one of order, payment, import (got "paid")',
      ]);
    }
  });

  test('duplicate mappings and a simulator without URL', () => {
    const found = problems(() =>
      parseSettings({
        ...DEMO_SETTINGS,
        allegro: { ...DEMO_SETTINGS.allegro, simulatorUrl: undefined },
        mappings: { payment: [DEMO_PAYMENT_MAPPINGS[0], DEMO_PAYMENT_MAPPINGS[0]], delivery: [] },
      }),
    );
    expect(found).toContain('allegro.simulatorUrl: is required when environment is simulator');
    expect(found.some((p) => p.startsWith('mappings.payment[1]: maps type ONLINE provider PAYU a second time'))).toBe(
      true,
    );
  });

  test('YAML syntax errors and unreadable files are SettingsErrors too', () => {
    expect(problems(() => loadSettings({ file: writeYaml('optima: [unclosed\n'), env: {} })).length).toBeGreaterThan(0);
    expect(problems(() => loadSettings({ file: path.join(dir, 'missing.yaml'), env: {} }))[0]).toMatch(/cannot read/);
  });

  test('a secret in a bad value is never echoed', () => {
    const found = problems(() =>
      demo({
        AO_OPTIMA: '{ kind: mssql, server: s, database: d, auth: { kind: sql, user: u, password: 1234 } }',
        AO_TEMPORAL__API_KEY: '',
      }),
    );
    expect(found.join('\n')).not.toContain('1234');
  });
});

describe('environment overrides', () => {
  test('AO_ keys by path; text keys stay text, others read as YAML', () => {
    const s = demo({
      AO_ALLEGRO__CLIENT_SECRET: '007',
      AO_POLLER__PAGE_SIZE: '500',
      AO_IMPORT__CHECK_CONTRACTOR_BY_NIP: 'false',
      AO_IMPORT__PRODUCT_MATCH_ORDER: '[ean, link]',
      AO_IMPORT__NEW_PRODUCT__VAT_RATE: '8',
      AO_ALLEGRO__ACCOUNTS__0__NAME: 'second-shop',
    });
    expect(s.allegro.clientSecret).toBe('007');
    expect(s.poller.pageSize).toBe(500);
    expect(s.import.checkContractorByNip).toBe(false);
    expect(s.import.productMatchOrder).toEqual(['ean', 'link']);
    expect(s.import.newProduct.vatRate).toBe(8);
    expect(s.allegro.accounts).toEqual([{ name: 'second-shop' }]);
  });

  test('a whole section, e.g. switching Optima to SQL Server, with the password from its own variable', () => {
    const s = demo({
      AO_OPTIMA:
        '{ kind: mssql, server: "SRV\\\\OPTIMA", database: CDN_Firma, auth: { kind: sql, user: u, password: x } }',
      AO_OPTIMA__AUTH__PASSWORD: '0123',
    });
    expect(s.optima).toMatchObject({
      kind: 'mssql',
      server: 'SRV\\OPTIMA',
      configDatabase: 'CDN_KNF_Konfiguracja',
      auth: { password: '0123' },
    });
  });

  test("Temporal's own variables, with AO_ winning over them", () => {
    const s = demo({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'prod', TEMPORAL_API_KEY: 'k' });
    expect(s.temporal).toMatchObject({ address: 'temporal:7233', namespace: 'prod', apiKey: 'k' });
    expect(demo({ TEMPORAL_ADDRESS: 'a:1', AO_TEMPORAL__ADDRESS: 'b:2' }).temporal.address).toBe('b:2');
  });

  test('AO_CONFIG names the file; ${VAR} in the file is replaced, typed like an override', () => {
    const file = writeYaml(
      'optima: { kind: embedded }\nallegro: { clientId: a, clientSecret: "${SECRET}", accounts: [{ name: shop }] }\npoller: { pageSize: "${PAGE}" }\n',
    );
    const s = loadSettings({ env: { AO_CONFIG: file, SECRET: '42', PAGE: '250' } });
    expect(s.allegro.clientSecret).toBe('42');
    expect(s.poller.pageSize).toBe(250);
    expect(problems(() => loadSettings({ file, env: { PAGE: '1' } }))).toEqual([
      'allegro.clientSecret: refers to ${SECRET}, which is not set in the environment',
    ]);
  });

  test('every key has an AO_ variable that maps back to it', () => {
    const odd = '{ not: valid }';
    for (const dotted of settingsKeyPaths().filter((p) => !p.includes('[]'))) {
      const name = envVarName(dotted);
      expect(name).toMatch(/^AO_[A-Z0-9_]+$/);
      try {
        // A text key takes the value as it is…
        const s = demo({ [name]: odd });
        const value = dotted.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], s);
        expect([dotted, value]).toEqual([dotted, odd]);
      } catch (e) {
        if (!(e instanceof SettingsError)) throw e;
        // …any other key reports the problem at that key (or the map holding it, or inside it).
        const named = e.problems.some((p) => {
          const key = p.slice(0, p.indexOf(':'));
          return (
            key === dotted ||
            dotted.startsWith(`${key}.`) ||
            key.startsWith(`${dotted}.`) ||
            key.startsWith(`${dotted}[`)
          );
        });
        expect([dotted, named]).toEqual([dotted, true]);
      }
    }
  });
});

describe('views', () => {
  const settings = (): Settings => loadSettings({ file: EXAMPLE_FILE, env: EXAMPLE_ENV });

  test('toImportPolicy carries the rules and the filled-in mappings only', () => {
    const s = settings();
    s.mappings.payment.push({ type: 'NEW_TYPE', provider: null, paymentForm: '' });
    s.mappings.delivery.push({ methodId: 'new-method', methodName: null, serviceCode: '' });
    const p = toImportPolicy(s);
    expect(p.paymentMappings).toEqual(DEMO_PAYMENT_MAPPINGS);
    expect(p.deliveryMappings.map((d) => d.methodId)).toEqual(DEMO_DELIVERY_METHODS.map((m) => m.id));
    expect(p.defaultPaymentForm).toBe('przelew');
    expect(p).not.toHaveProperty('initialSync');
    // Plain data: it travels through Temporal as JSON.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  test('toPollerInput: interval or daily schedule, page size, initial sync; unknown accounts refused', () => {
    const daily = loadSettings({
      file: EXAMPLE_FILE,
      env: {
        ...EXAMPLE_ENV,
        AO_POLLER__SCHEDULE: "{ dailyAt: '06:30', timeZone: Europe/Prague }",
        AO_IMPORT__INITIAL_SYNC: '2026-01-31',
      },
    });
    const input = toPollerInput(daily, 'main');
    expect(input.schedule).toEqual({ kind: 'daily', hour: 6, minute: 30, timeZone: 'Europe/Prague' });
    expect(input.initialSync).toBe('2026-01-31');
    expect(input.pageSize).toBe(100);
    expect(input.policy).toEqual(toImportPolicy(daily));
    expect(
      toPollerInput(
        loadSettings({ file: EXAMPLE_FILE, env: { ...EXAMPLE_ENV, AO_POLLER__SCHEDULE__EVERY: '5m' } }),
        'main',
      ).schedule,
    ).toEqual({
      kind: 'interval',
      seconds: 300,
    });
    expect(() => toPollerInput(daily, 'nope')).toThrow(/no account named "nope"/);
  });

  test('redactSettings hides every secret and keeps the rest', () => {
    const s = loadSettings({ file: EXAMPLE_FILE, env: { ...EXAMPLE_ENV, TEMPORAL_API_KEY: 'temporal-secret-789' } });
    const printed = JSON.stringify(redactSettings(s));
    for (const secret of [...Object.values(EXAMPLE_ENV), 'temporal-secret-789']) expect(printed).not.toContain(secret);
    expect(printed).toContain('"clientSecret":"***"');
    expect(printed).toContain('"password":"***"');
    expect(printed).toContain('"apiKey":"***"');
    expect(redactSettings(s).allegro.clientId).toBe(s.allegro.clientId);
    expect(s.allegro.clientSecret).toBe(EXAMPLE_ENV.ALLEGRO_CLIENT_SECRET); // the original is untouched
  });
});
