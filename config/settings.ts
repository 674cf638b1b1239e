/**
 * The settings file: one YAML document validated by one zod schema (PRODUCT.md, Settings).
 *
 * Sources, later wins:
 *   1. the YAML file (`loadSettings({ file })`, else the file named by AO_CONFIG), or the
 *      embedded demo settings (config/defaults.ts) when there is no file. Text values in
 *      the file may refer to environment variables as ${NAME} (e.g. a password);
 *   2. TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (Temporal's own variables);
 *   3. AO_<KEY>__<KEY>…: one variable per key, each key in UPPER_SNAKE_CASE, `__` between
 *      levels, list positions as numbers. Examples: AO_ALLEGRO__CLIENT_SECRET=…,
 *      AO_OPTIMA__AUTH__PASSWORD=…, AO_IMPORT__STAGE=BOUGHT, AO_POLLER__PAGE_SIZE=500,
 *      AO_ALLEGRO__ACCOUNTS__0__NAME=shop, AO_IMPORT__PRODUCT_MATCH_ORDER='[ean, link]'.
 *      Values of text keys are taken as they are; other values are read as YAML.
 *
 * Validation failures throw SettingsError listing each bad key as a dotted path with what
 * is allowed. Secrets (clientSecret, password, apiKey) are never echoed: redactSettings().
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { IMPORT_STAGES } from '../domain/types';
import type { ImportPolicy, ProductMatchStep } from '../domain/types';
import { TASK_QUEUE } from '../workflows/definitions';
import type { PollerInput, PollerSchedule } from '../workflows/definitions';
import { DEMO_SETTINGS } from './defaults';

/** Environment variable naming the settings file when loadSettings gets none. */
export const SETTINGS_FILE_ENV = 'AO_CONFIG';
const ENV_PREFIX = 'AO_';
/** Keys whose values are secrets: never printed, never in messages. */
export const SECRET_KEYS = ['clientSecret', 'password', 'apiKey'] as const;
const REDACTED = '***';

export const CONTRACTOR_CODE_PLACEHOLDERS = ['login', 'buyerId', 'orderId', 'lastName', 'company'] as const;
export const PRODUCT_MATCH_STEPS = [
  'link',
  'ean',
  'externalId',
  'offerId',
  'name',
] as const satisfies readonly ProductMatchStep[];

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly problems: string[],
    readonly source: string,
  ) {
    super(`Invalid settings (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------

const text = z.string().trim().min(1, 'must not be empty');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
const timeZone = text.refine(isTimeZone, 'must be an IANA time zone such as Europe/Warsaw');

const DURATION = /^(\d+)(s|m|h)$/;
const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600 } as const;
function durationSeconds(value: string): number {
  const m = DURATION.exec(value);
  return m ? Number(m[1]) * SECONDS_PER_UNIT[m[2] as keyof typeof SECONDS_PER_UNIT] : NaN;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const OptimaEmbeddedSchema = z.strictObject({
  kind: z.literal('embedded'),
  /** SQLite file of the development stand-in holding the CDN tables. */
  file: text.default('.data/optima.sqlite'),
  operator: text.default('ADMIN'),
});

const OptimaMssqlSchema = z.strictObject({
  kind: z.literal('mssql'),
  /** host, host\instance or host,port (as Optima's "Informacje techniczne" show it). */
  server: text,
  port: z.int().min(1).max(65535).optional(),
  database: text,
  configDatabase: text.default('CDN_KNF_Konfiguracja'),
  auth: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sql'), user: text, password: z.string() }),
    z.strictObject({ kind: z.literal('nt') }),
  ]),
  encrypt: z.boolean().default(true),
  trustServerCertificate: z.boolean().default(false),
  operator: text.default('ADMIN'),
});

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const AllegroSchema = z
  .strictObject({
    clientId: text,
    clientSecret: text,
    environment: z.enum(['production', 'sandbox', 'simulator']).default('production'),
    simulatorUrl: z.url().optional(),
    // Allegro refuses API calls whose User-Agent is not `AppName/version (+https://info-url)`.
    userAgent: text
      .regex(/^\S+\/\S+ \(\+https?:\/\/\S+\)$/, 'must look like AppName/version (+https://info-url)')
      .default('AllegroOptima/0.1.0 (+https://github.com/allegro-optima/allegro-optima)'),
    accounts: z
      .array(
        z.strictObject({
          // Part of workflow ids and search attributes: short, lower case, no spaces.
          name: z
            .string()
            .regex(ACCOUNT_NAME, 'must be 1-40 lower-case letters, digits, - or _, starting with a letter or digit'),
        }),
      )
      .min(1, 'must list at least one account'),
    tokenStoreDir: text.default('.data/tokens'),
  })
  .superRefine((a, ctx) => {
    if (a.environment === 'simulator' && !a.simulatorUrl) {
      ctx.addIssue({ code: 'custom', path: ['simulatorUrl'], message: 'is required when environment is simulator' });
    }
    a.accounts.forEach((account, i) => {
      if (a.accounts.findIndex((o) => o.name === account.name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'name'],
          message: `duplicates account "${account.name}"`,
        });
      }
    });
  });

const TemporalSchema = z.strictObject({
  address: text.default('localhost:7233'),
  namespace: text.default('default'),
  taskQueue: text.default(TASK_QUEUE),
  /** Present = TLS on; `{}` uses the system CAs (Temporal Cloud with an API key). */
  tls: z
    .strictObject({
      serverName: text.optional(),
      caFile: text.optional(),
      certFile: text.optional(),
      keyFile: text.optional(),
    })
    .optional(),
  apiKey: text.optional(),
});

const PaymentMappingSchema = z.strictObject({
  type: text,
  provider: z.string().trim().nullish(),
  /** FPl_Nazwa; "" = not filled in yet (orders with this payment wait for a person). */
  paymentForm: z.string().trim(),
});

const DeliveryMappingSchema = z.strictObject({
  methodId: text,
  methodName: z.string().nullish(),
  /** Twr_Kod of the delivery service; "" = not filled in yet. */
  serviceCode: z.string().trim(),
});

const MappingsSchema = z
  .strictObject({
    payment: z.array(PaymentMappingSchema).default([]),
    delivery: z.array(DeliveryMappingSchema).default([]),
  })
  .superRefine((m, ctx) => {
    const key = (p: { type: string; provider?: string | null }) =>
      `${p.type.toUpperCase()}/${(p.provider ?? '').toUpperCase()}`;
    m.payment.forEach((p, i) => {
      if (m.payment.findIndex((o) => key(o) === key(p)) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['payment', i],
          message: `maps type ${p.type}${p.provider ? ` provider ${p.provider}` : ''} a second time`,
        });
      }
    });
    m.delivery.forEach((d, i) => {
      if (m.delivery.findIndex((o) => o.methodId === d.methodId) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['delivery', i, 'methodId'],
          message: `maps method ${d.methodId} a second time`,
        });
      }
    });
  });

const documentKind = z.enum(['RO', 'FS', 'PA']);

const codeTemplate = (fallback: string) =>
  text
    .refine(
      (t) =>
        [...t.matchAll(/\{(\w*)\}/g)].every((m) => (CONTRACTOR_CODE_PLACEHOLDERS as readonly string[]).includes(m[1])),
      `may only use the placeholders ${CONTRACTOR_CODE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
    )
    .default(fallback);

const ImportSchema = z.strictObject({
  stage: z.enum(IMPORT_STAGES).default('READY_FOR_PROCESSING'),
  documentKindCompany: documentKind.default('RO'),
  documentKindPerson: documentKind.default('RO'),
  documentDateSource: z.enum(['order', 'payment', 'import']).default('order'),
  productMatchOrder: z
    .array(z.enum(PRODUCT_MATCH_STEPS))
    .min(1, 'must list at least one step')
    .refine((steps) => new Set(steps).size === steps.length, 'must not repeat a step')
    .default([...PRODUCT_MATCH_STEPS]),
  productNotFound: z.enum(['create', 'lineWithoutCard', 'wait']).default('create'),
  /** DeA_Kod (varchar 20) of the document attribute listing lines without a card. */
  productNotFoundAttribute: z.string().trim().max(20).default('ALLEGRO_BRAK_KARTY'),
  newProduct: z
    .strictObject({
      vatRate: z.number().min(0).max(99).default(23),
      unit: text.max(20).default('szt'),
      /** DfC_Lp; 5 = "detaliczna" (gross retail) in a standard Optima company. */
      priceTypeNumber: z.int().min(1).default(4),
    })
    .prefault({}),
  checkContractorByNip: z.boolean().default(true),
  matchContractorByEmail: z.boolean().default(false),
  contractorCodeTemplate: z
    .strictObject({ registered: codeTemplate('{login}'), guest: codeTemplate('GOSC-{orderId}') })
    .prefault({}),
  defaultPaymentForm: text.optional(),
  warehouseSymbol: text.max(20).optional(),
  cancelledAfterDocument: z.enum(['annotate', 'cancel']).default('annotate'),
  markProcessing: z.boolean().default(false),
  licenceRetryDelaySeconds: z.int().min(5).default(120),
  initialSync: z
    .string()
    .trim()
    .refine(
      (v) => v === 'now' || (ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))),
      'must be "now" or an ISO date such as 2026-01-31 or 2026-01-31T06:00:00+01:00',
    )
    .default('now'),
});

const PollerSchema = z.strictObject({
  schedule: z
    .strictObject({
      every: z.string().trim().optional(),
      dailyAt: z.string().trim().optional(),
      timeZone: timeZone.optional(),
    })
    .superRefine((s, ctx) => {
      if ((s.every === undefined) === (s.dailyAt === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must have either every (e.g. 30s, 5m) or dailyAt (e.g. 06:00), not both',
        });
        return;
      }
      if (s.every !== undefined) {
        const seconds = durationSeconds(s.every);
        if (!(seconds >= 5 && seconds <= 86400)) {
          ctx.addIssue({
            code: 'custom',
            path: ['every'],
            message: `must be a duration from 5s to 24h such as 30s, 5m or 1h (got "${s.every}")`,
          });
        }
        if (s.timeZone !== undefined)
          ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'only goes with dailyAt' });
      }
      if (s.dailyAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(s.dailyAt)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dailyAt'],
          message: `must be a time HH:MM such as 06:00 (got "${s.dailyAt}")`,
        });
      }
    })
    .default({ every: '30s' }),
  pageSize: z.int().min(1).max(1000).default(100),
});

export const SettingsSchema = z.strictObject({
  optima: z.discriminatedUnion('kind', [OptimaEmbeddedSchema, OptimaMssqlSchema]),
  allegro: AllegroSchema,
  temporal: TemporalSchema.prefault({}),
  mappings: MappingsSchema.prefault({}),
  import: ImportSchema.prefault({}),
  poller: PollerSchema.prefault({}),
  /** Allegro allows 9,000 requests a minute per user; the worker's limiter uses this. */
  allegroRateLimitPerMinute: z.int().min(1).max(9000).default(9000),
});

export type Settings = z.output<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;

// ---------------------------------------------------------------------------------------
// Schema walking (env overrides, messages, the documentation test)
// ---------------------------------------------------------------------------------------

type AnySchema = z.core.$ZodType;
type Def = {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  element?: AnySchema;
  in?: AnySchema;
  values?: unknown[];
};
const defOf = (s: AnySchema) => s._zod.def as unknown as Def;

/** Through optional, default, nullable and pipes to the schema that shapes the value. */
function unwrap(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

/** Candidate schemas at a path (several through unions); numbers index arrays. */
function schemasAt(path: (string | number)[]): AnySchema[] {
  let current: AnySchema[] = [SettingsSchema];
  for (const segment of path) {
    current = current.flatMap(unwrap).flatMap((s): AnySchema[] => {
      const def = defOf(s);
      if (def.type === 'object' && typeof segment === 'string' && def.shape && segment in def.shape)
        return [def.shape[segment]];
      if (def.type === 'array' && typeof segment === 'number' && def.element) return [def.element];
      return [];
    });
  }
  return current;
}

function objectKeysAt(path: (string | number)[]): string[] {
  const keys = schemasAt(path)
    .flatMap(unwrap)
    .flatMap((s) => Object.keys(defOf(s).shape ?? {}));
  return [...new Set(keys)];
}

/** Every settings key as a dotted path, `[]` for list items (for docs and the example test). */
export function settingsKeyPaths(): string[] {
  const paths: string[] = [];
  const visit = (schema: AnySchema, prefix: string) => {
    for (const s of unwrap(schema)) {
      const def = defOf(s);
      if (def.type === 'object' && def.shape) {
        for (const [key, child] of Object.entries(def.shape)) {
          const path = prefix ? `${prefix}.${key}` : key;
          if (!paths.includes(path)) paths.push(path);
          visit(child, path);
        }
      } else if (def.type === 'array' && def.element) {
        visit(def.element, `${prefix}[]`);
      }
    }
  };
  visit(SettingsSchema, '');
  return paths;
}

// ---------------------------------------------------------------------------------------
// Environment overrides
// ---------------------------------------------------------------------------------------

const camel = (snake: string) => snake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `allegro.clientSecret` → `AO_ALLEGRO__CLIENT_SECRET` (for messages and docs). */
export function envVarName(dottedPath: string): string {
  return (
    ENV_PREFIX +
    dottedPath
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .map((k) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('__')
  );
}

function acceptsText(path: (string | number)[]): boolean {
  return schemasAt(path)
    .flatMap(unwrap)
    .some((s) => {
      const def = defOf(s);
      return (
        def.type === 'string' || def.type === 'enum' || (def.type === 'literal' && typeof def.values?.[0] === 'string')
      );
    });
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.slice(0, -1).forEach((segment, i) => {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
  node[path[path.length - 1]] = value;
}

function envValue(path: (string | number)[], raw: string): unknown {
  if (acceptsText(path)) return raw;
  const doc = parseDocument(raw);
  return doc.errors.length > 0 ? raw : doc.toJS();
}

/** Applies the overrides to a copy of `raw`; returns it with where each path came from. */
function applyEnv(raw: Record<string, unknown>, env: Record<string, string | undefined>) {
  const settings = structuredClone(raw);
  const origins = new Map<string, string>();
  const set = (name: string, path: (string | number)[]) => {
    const value = env[name];
    if (value === undefined) return;
    setAt(settings, path, envValue(path, value));
    origins.set(dotted(path), name);
  };
  set('TEMPORAL_ADDRESS', ['temporal', 'address']);
  set('TEMPORAL_NAMESPACE', ['temporal', 'namespace']);
  set('TEMPORAL_API_KEY', ['temporal', 'apiKey']);
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || name === SETTINGS_FILE_ENV) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((k) => (/^\d+$/.test(k) ? Number(k) : camel(k)));
    set(name, path);
  }
  return { settings, origins };
}

// ---------------------------------------------------------------------------------------
// Validation messages
// ---------------------------------------------------------------------------------------

function dotted(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    '',
  );
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a map of keys';
  return JSON.stringify(value);
}

/** z.int() reports a wrong type as "expected number"; say "whole number" as the schema means. */
function wholeNumberAt(path: readonly PropertyKey[]): boolean {
  return schemasAt(path.filter((p): p is string | number => typeof p !== 'symbol'))
    .flatMap(unwrap)
    .some((s) => (s._zod.def as { format?: string }).format === 'safeint');
}

const isSecret = (path: readonly PropertyKey[]) =>
  (SECRET_KEYS as readonly PropertyKey[]).includes(path[path.length - 1]);

type Issue = z.core.$ZodIssue & { input?: unknown };

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map of keys',
  array: 'a list',
};

function describeIssue(issue: Issue, base: readonly PropertyKey[]): string[] {
  const path = [...base, ...issue.path];
  const got =
    issue.input === undefined ? '' : isSecret(path) ? ' (got a secret, not shown)' : ` (got ${shown(issue.input)})`;
  switch (issue.code) {
    case 'invalid_type': {
      const expected =
        issue.expected === 'number' && wholeNumberAt(path)
          ? 'a whole number'
          : (EXPECTED[issue.expected] ?? issue.expected);
      if (issue.input === undefined) return [`${dotted(path)}: is required (${expected})`];
      return [`${dotted(path)}: must be ${expected}${got}`];
    }
    case 'invalid_value':
      return [
        `${dotted(path)}: must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map(String).join(', ')}${got}`,
      ];
    case 'unrecognized_keys': {
      const allowed = objectKeysAt(path.filter((p): p is string | number => typeof p !== 'symbol'));
      return issue.keys.map((key) => `${dotted([...path, key])}: unknown key (allowed here: ${allowed.join(', ')})`);
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' ? input[issue.discriminator] : undefined;
        const options = (issue as { options?: unknown[] }).options ?? [];
        const where = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
        return [
          `${dotted(where)}: must be one of ${options.map(String).join(', ')}${value === undefined ? '' : ` (got ${shown(value)})`}`,
        ];
      }
      const branches = issue.errors.filter((b) => b.length > 0).sort((a, b) => a.length - b.length);
      if (branches.length === 0) return [`${dotted(path)}: ${issue.message}`];
      return branches[0].flatMap((i) => describeIssue(i, path));
    }
    case 'too_small':
      if (issue.origin === 'array')
        return [
          `${dotted(path)}: ${issue.message.startsWith('must') ? issue.message : `must have at least ${issue.minimum} item(s)`}`,
        ];
      if (issue.origin === 'string')
        return [
          `${dotted(path)}: ${issue.message.startsWith('must') ? issue.message : `must have at least ${issue.minimum} character(s)`}`,
        ];
      return [`${dotted(path)}: must be at least ${issue.minimum}${got}`];
    case 'too_big':
      if (issue.origin === 'string') return [`${dotted(path)}: must have at most ${issue.maximum} characters${got}`];
      if (issue.origin === 'array') return [`${dotted(path)}: must have at most ${issue.maximum} items`];
      return [`${dotted(path)}: must be at most ${issue.maximum}${got}`];
    case 'invalid_format':
      if (issue.message.startsWith('must')) return [`${dotted(path)}: ${issue.message}${got}`];
      return [
        `${dotted(path)}: must be ${issue.format === 'url' ? 'a URL such as http://127.0.0.1:8790' : `a valid ${issue.format}`}${got}`,
      ];
    default:
      return [`${dotted(path)}: ${issue.message}${issue.code === 'custom' ? '' : got}`];
  }
}

/** Validates raw settings (already merged); `origins` names the env variable behind a path. */
export function parseSettings(raw: unknown, source = 'settings', origins: Map<string, string> = new Map()): Settings {
  const result = SettingsSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) =>
    describeIssue(issue, []).map((line) => {
      const key = line.slice(0, line.indexOf(':'));
      const origin = [...origins.entries()].find(
        ([p]) => key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`),
      );
      return origin ? `${line} [from ${origin[1]}]` : line;
    }),
  );
  throw new SettingsError(problems, source);
}

/** Replaces ${NAME} in every text value by the variable's value; unset ones are problems. */
function interpolate(
  value: unknown,
  env: Record<string, string | undefined>,
  path: (string | number)[],
  problems: string[],
): unknown {
  if (typeof value === 'string') {
    // A value that is only a reference takes the variable's type, as an override would.
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (whole && env[whole[1]] !== undefined) return envValue(path, env[whole[1]] as string);
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
      const found = env[name];
      if (found === undefined)
        problems.push(`${dotted(path)}: refers to \${${name}}, which is not set in the environment`);
      return found ?? whole;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k], problems)]));
  }
  return value;
}

function readYaml(file: string, env: Record<string, string | undefined>): Record<string, unknown> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SettingsError([`cannot read the settings file: ${(e as Error).message}`], file);
  }
  const doc = parseDocument(content);
  if (doc.errors.length > 0)
    throw new SettingsError(
      doc.errors.map((e) => e.message),
      file,
    );
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new SettingsError(['the file must hold a map of keys at the top level'], file);
  const problems: string[] = [];
  const resolved = interpolate(data, env, [], problems) as Record<string, unknown>;
  if (problems.length > 0) throw new SettingsError(problems, file);
  return resolved;
}

export interface LoadSettingsOptions {
  /** YAML file; absent: the file named by AO_CONFIG, else the embedded demo settings. */
  file?: string;
  env: Record<string, string | undefined>;
}

export function loadSettings({ file, env }: LoadSettingsOptions): Settings {
  const path = file ?? env[SETTINGS_FILE_ENV];
  const raw = path ? readYaml(path, env) : (DEMO_SETTINGS as Record<string, unknown>);
  const { settings, origins } = applyEnv(raw, env);
  return parseSettings(settings, path ?? 'embedded demo settings', origins);
}

// ---------------------------------------------------------------------------------------
// Views for the other parts
// ---------------------------------------------------------------------------------------

/** The import rules one order's workflow gets; mappings not filled in yet are left out. */
export function toImportPolicy(settings: Settings): ImportPolicy {
  const { initialSync: _initialSync, defaultPaymentForm, warehouseSymbol, ...rules } = settings.import;
  return {
    ...rules,
    newProduct: { ...rules.newProduct },
    productMatchOrder: [...rules.productMatchOrder],
    contractorCodeTemplate: { ...rules.contractorCodeTemplate },
    ...(defaultPaymentForm ? { defaultPaymentForm } : {}),
    ...(warehouseSymbol ? { warehouseSymbol } : {}),
    paymentMappings: settings.mappings.payment
      .filter((m) => m.paymentForm !== '')
      .map((m) => ({ type: m.type, ...(m.provider ? { provider: m.provider } : {}), paymentForm: m.paymentForm })),
    deliveryMappings: settings.mappings.delivery
      .filter((m) => m.serviceCode !== '')
      .map((m) => ({
        methodId: m.methodId,
        ...(m.methodName ? { methodName: m.methodName } : {}),
        serviceCode: m.serviceCode,
      })),
  };
}

export function toPollerSchedule(settings: Settings): PollerSchedule {
  const { every, dailyAt, timeZone: zone } = settings.poller.schedule;
  if (dailyAt !== undefined) {
    const [hour, minute] = dailyAt.split(':').map(Number);
    return { kind: 'daily', hour, minute, timeZone: zone ?? 'Europe/Warsaw' };
  }
  return { kind: 'interval', seconds: durationSeconds(every ?? '30s') };
}

/** A new poller's input for one configured Allegro account. */
export function toPollerInput(settings: Settings, account: string): PollerInput {
  const names = settings.allegro.accounts.map((a) => a.name);
  if (!names.includes(account)) {
    throw new SettingsError(
      [`allegro.accounts: no account named "${account}" (configured: ${names.join(', ')})`],
      'poller',
    );
  }
  return {
    account,
    policy: toImportPolicy(settings),
    schedule: toPollerSchedule(settings),
    pageSize: settings.poller.pageSize,
    initialSync: settings.import.initialSync,
  };
}

/** A copy safe to print or log: every secret replaced by "***". */
export function redactSettings(settings: Settings): Settings {
  const redact = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(redact);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        (SECRET_KEYS as readonly string[]).includes(k) && typeof v === 'string' && v !== '' ? REDACTED : redact(v),
      ]),
    );
  };
  return redact(settings) as Settings;
}
