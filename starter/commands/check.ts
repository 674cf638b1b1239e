/** check: every connection and the reference data the mappings point at, as a ✓/✗ table. */
import fs from 'node:fs';
import path from 'node:path';
import { SettingsError, type Settings } from '../../config/settings';
import { paymentFormIdByName } from '../../domain/draft';
import type { OptimaReferenceData } from '../../domain/types';
import { EXIT, TOOL, type CommandSpec } from '../command';
import type { CommandContext } from '../context';
import { MARK, relativeTime, renderTable } from '../output';
import { workflowPollers } from '../ops';

type State = 'ok' | 'fail' | 'warn' | 'skip';

interface Row {
  state: State;
  check: string;
  result: string;
  fix?: string;
}

const MARKS: Record<State, string> = { ok: MARK.ok, fail: MARK.bad, warn: '!', skip: MARK.skip };
/** One check may not hold up the others for long (a dead SQL Server, a black-holed host). */
const CHECK_TIMEOUT_MS = 20_000;

function timeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

async function checkTemporal(ctx: CommandContext, settings: Settings): Promise<Row[]> {
  const { address, namespace, taskQueue } = settings.temporal;
  let client;
  try {
    client = await ctx.temporal();
    await timeout(client.workflowService.describeNamespace({ namespace }), 'Temporal');
  } catch (error) {
    const notFound = /not ?found/i.test(messageOf(error));
    return [
      {
        state: 'fail',
        check: 'Temporal',
        result: messageOf(error),
        fix: notFound
          ? `create the namespace "${namespace}" or fix temporal.namespace`
          : `start Temporal (npm run temporal:ensure, or temporal server start-dev) or fix temporal.address (${address})`,
      },
      { state: 'skip', check: 'Temporal worker', result: 'not checked (no Temporal)' },
    ];
  }
  const pollers = await workflowPollers(client, namespace, taskQueue).catch(() => 0);
  return [
    { state: 'ok', check: 'Temporal', result: `${address}, namespace ${namespace}` },
    pollers > 0
      ? { state: 'ok', check: 'Temporal worker', result: `${pollers} worker(s) poll task queue "${taskQueue}"` }
      : {
          state: 'warn',
          check: 'Temporal worker',
          result: `no worker polls task queue "${taskQueue}"`,
          fix: 'start one: npm run worker',
        },
  ];
}

async function checkAllegro(ctx: CommandContext, settings: Settings): Promise<Row[]> {
  const account = ctx.account();
  const store = ctx.tokenStore();
  let token;
  try {
    token = await store.load(account);
  } catch (error) {
    return [
      { state: 'fail', check: 'Allegro token', result: messageOf(error), fix: `${TOOL} auth --account ${account}` },
    ];
  }
  if (!token) {
    return [
      {
        state: 'fail',
        check: 'Allegro token',
        result: `none for account "${account}" in ${store.dir}`,
        fix: `${TOOL} auth --account ${account}`,
      },
      { state: 'skip', check: 'Allegro API', result: 'not checked (no token)' },
    ];
  }
  const expired = Date.parse(token.expiresAt) <= Date.now();
  const rows: Row[] = [
    {
      state: 'ok',
      check: 'Allegro token',
      result: expired
        ? `access token expired ${relativeTime(token.expiresAt, new Date())}: refreshed on use`
        : `valid until ${token.expiresAt}`,
    },
  ];
  try {
    const stats = await timeout(ctx.allegro().getEventStats(), 'Allegro');
    const latest = stats.latestEvent;
    rows.push({
      state: 'ok',
      check: 'Allegro API',
      result: `${settings.allegro.environment}: event stats read${latest ? `, newest event ${latest.id} at ${latest.occurredAt}` : ', no events yet'}`,
    });
  } catch (error) {
    const message = messageOf(error);
    const auth = /40[13]|token|grant|authori[sz]/i.test(message);
    rows.push({
      state: 'fail',
      check: 'Allegro API',
      result: message,
      fix: auth
        ? `authorise again: ${TOOL} auth --account ${account}`
        : `check allegro.environment${settings.allegro.environment === 'simulator' ? ' and allegro.simulatorUrl (is the simulator running?)' : ' and the network'}`,
    });
  }
  return rows;
}

function referenceRows(settings: Settings, reference: OptimaReferenceData): Row[] {
  const rows: Row[] = [];
  const kinds = [...new Set([settings.import.documentKindCompany, settings.import.documentKindPerson])];
  for (const kind of kinds) {
    const definition = reference.definitions.find((d) => d.symbol.toUpperCase() === kind);
    rows.push(
      definition
        ? {
            state: 'ok',
            check: `Document definition ${kind}`,
            result: `class ${definition.documentClass}, numbering ${definition.numbering}`,
          }
        : {
            state: 'fail',
            check: `Document definition ${kind}`,
            result: `Optima has no document definition with symbol ${kind}`,
            fix: 'create it in Optima, or change import.documentKindCompany / documentKindPerson',
          },
    );
  }

  const payments = settings.mappings.payment;
  const unfilledPayments = payments
    .filter((m) => m.paymentForm === '')
    .map((m) => `${m.type}${m.provider ? `/${m.provider}` : ''}`);
  const missingForms = [
    ...new Set(
      payments
        .filter((m) => m.paymentForm !== '' && paymentFormIdByName(reference.paymentForms, m.paymentForm) === undefined)
        .map((m) => m.paymentForm),
    ),
  ];
  rows.push(
    missingForms.length > 0
      ? {
          state: 'fail',
          check: 'Payment mappings',
          result: `Optima has no payment form ${missingForms.map((f) => `"${f}"`).join(', ')}`,
          fix: `fix mappings.payment[].paymentForm (Optima has: ${reference.paymentForms.map((f) => f.name).join(', ')})`,
        }
      : unfilledPayments.length > 0
        ? {
            state: 'fail',
            check: 'Payment mappings',
            result: `not filled in: ${unfilledPayments.join(', ')}`,
            fix: 'fill in mappings.payment[].paymentForm (orders paid this way wait for a person)',
          }
        : { state: 'ok', check: 'Payment mappings', result: `${payments.length} mapped, every payment form exists` },
  );

  const deliveries = settings.mappings.delivery;
  const unfilledDeliveries = deliveries.filter((m) => m.serviceCode === '').map((m) => m.methodName ?? m.methodId);
  const knownCodes = new Set(reference.deliveryServices.map((s) => s.code.toUpperCase()));
  const missingServices = [
    ...new Set(
      deliveries
        .filter((m) => m.serviceCode !== '' && !knownCodes.has(m.serviceCode.toUpperCase()))
        .map((m) => m.serviceCode),
    ),
  ];
  rows.push(
    missingServices.length > 0
      ? {
          state: 'fail',
          check: 'Delivery mappings',
          result: `Optima has no delivery service ${missingServices.map((c) => `"${c}"`).join(', ')}`,
          fix: 'fix mappings.delivery[].serviceCode, or create the service card (a service good) in Optima',
        }
      : unfilledDeliveries.length > 0
        ? {
            state: 'fail',
            check: 'Delivery mappings',
            result: `not filled in: ${unfilledDeliveries.join(', ')}`,
            fix: 'fill in mappings.delivery[].serviceCode (orders shipped this way wait for a person)',
          }
        : {
            state: 'ok',
            check: 'Delivery mappings',
            result: `${deliveries.length} mapped, every delivery service exists`,
          },
  );

  const { defaultPaymentForm, warehouseSymbol } = settings.import;
  if (defaultPaymentForm && paymentFormIdByName(reference.paymentForms, defaultPaymentForm) === undefined) {
    rows.push({
      state: 'fail',
      check: 'Default payment form',
      result: `Optima has no payment form "${defaultPaymentForm}"`,
      fix: 'fix import.defaultPaymentForm',
    });
  }
  if (warehouseSymbol) {
    const warehouse = reference.warehouses.find((w) => w.symbol.toUpperCase() === warehouseSymbol.toUpperCase());
    rows.push(
      warehouse
        ? { state: 'ok', check: 'Warehouse', result: `${warehouse.symbol} (${warehouse.name})` }
        : {
            state: 'fail',
            check: 'Warehouse',
            result: `Optima has no warehouse "${warehouseSymbol}"`,
            fix: 'fix import.warehouseSymbol',
          },
    );
  }
  return rows;
}

async function checkOptima(ctx: CommandContext, settings: Settings): Promise<Row[]> {
  const fix =
    settings.optima.kind === 'embedded'
      ? `fix optima.file (${settings.optima.file})`
      : 'check optima.server / database / configDatabase / auth and that SQL Server accepts the connection';
  // The embedded Optima creates (and seeds) a missing file: say so, a typo in the path would go unnoticed.
  const newEmbedded =
    settings.optima.kind === 'embedded' && !fs.existsSync(path.resolve(ctx.io.cwd, settings.optima.file));
  let checks;
  try {
    checks = await timeout(ctx.optima().checkConnection(), 'Optima');
  } catch (error) {
    return [
      { state: 'fail', check: 'Optima', result: messageOf(error), fix },
      { state: 'skip', check: 'Optima reference data', result: 'not checked (no connection)' },
    ];
  }
  const rows: Row[] = checks.map((c) => ({
    state: c.ok ? 'ok' : 'fail',
    check: c.target,
    result: c.detail,
    ...(c.ok ? {} : { fix }),
  }));
  if (newEmbedded && settings.optima.kind === 'embedded') {
    rows.push({
      state: 'warn',
      check: 'Optima file',
      result: `${settings.optima.file} did not exist: a new demo company was created`,
      fix: 'if you meant an existing one, fix optima.file',
    });
  }
  if (checks.some((c) => !c.ok)) {
    return [...rows, { state: 'skip', check: 'Optima reference data', result: 'not checked (connection failed)' }];
  }
  try {
    const reference = await timeout(ctx.optima().readReferenceData(), 'Optima reference data');
    return [...rows, ...referenceRows(settings, reference)];
  } catch (error) {
    return [...rows, { state: 'fail', check: 'Optima reference data', result: messageOf(error), fix }];
  }
}

export const check: CommandSpec = {
  name: 'check',
  summary: 'check every connection and the mapped reference data (✓/✗ table with what to fix)',
  usage: '',
  description: [
    'Checks, in order: the settings file; Temporal (address and namespace) and whether a worker polls the task queue; ' +
      "the account's Allegro token and one API call (event stats, refreshing the token when needed); " +
      "Optima's company and configuration databases; and the reference data the settings point at: the document " +
      'definitions (RO by default), every mapped payment form and delivery service, the default payment form and the warehouse.',
    'A missing worker is a warning (!), not a failure: the integrator cannot work without one, but the connections are fine.',
  ],
  options: {},
  exitCodes: { 0: 'every check passed (warnings allowed)', 3: 'at least one check failed (✗): see "To fix"' },
  async run(ctx) {
    let settings: Settings;
    try {
      settings = ctx.settings();
      ctx.account();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      ctx.out(renderTable(['', 'Check', 'Result'], [[MARK.bad, 'Settings', error.problems.join('; ')]]));
      ctx.out(`Fix ${ctx.settingsFile ?? 'the settings'} and run '${TOOL} check' again.`);
      return EXIT.attention;
    }
    const rows: Row[] = [
      { state: 'ok', check: 'Settings', result: ctx.settingsFile ?? 'embedded demo settings (no settings file)' },
    ];
    // Independent connections: check them side by side, print in a fixed order.
    const groups = await Promise.all([
      checkTemporal(ctx, settings),
      checkAllegro(ctx, settings),
      checkOptima(ctx, settings),
    ]);
    rows.push(...groups.flat());
    ctx.io.stdout.write(
      renderTable(
        ['', 'Check', 'Result', 'To fix'],
        rows.map((r) => [MARKS[r.state], r.check, r.result, r.fix ?? '']),
      ),
    );
    const failed = rows.filter((r) => r.state === 'fail').length;
    ctx.out(failed === 0 ? `\nAll checks passed for account "${ctx.account()}".` : `\n${failed} check(s) failed.`);
    return failed === 0 ? EXIT.ok : EXIT.attention;
  },
};
