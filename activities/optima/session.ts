/**
 * What every part of the gateway shares: the driver (opened, and the integrator's tables
 * migrated, on first use), the clock, the operator the integrator writes as, and the small
 * helpers for cutting text to Optima's columns.
 */
import { PermanentError } from '../../domain/errors';
import { COLUMNS, type OptimaColumn } from './columns';
import type { OptimaDriver, Params, Row, Transaction } from './driver';
import { MIGRATION } from './migration';
import { cut, localDateTime, uniqueCodes, type CutText, type WrittenKind } from './rules';
import { first, same, type Statement } from './sql';
import { textLength } from './sql-types';

export interface GatewayOptions {
  /** Ope_Kod of the Optima operator the integrator writes as (audit columns, default warehouse). */
  operator: string;
  /** Series (`@rejestr` of the numbering template) per document kind. */
  series?: Partial<Record<WrittenKind, string>>;
  /** Clock for the audit timestamps (tests). */
  now?: () => Date;
}

export const SESSION_STATEMENTS = {
  /** Config database: the operator the integrator writes as, and its default warehouse. */
  operator: same(
    'SELECT Ope_OpeID AS id, Ope_Kod AS code, Ope_Nazwisko AS name, Ope_Magazyn AS warehouse FROM CDN.Operatorzy ' +
      'WHERE Ope_Kod = @code',
    { code: COLUMNS.Ope_Kod },
  ),
} satisfies Record<string, Statement>;

export interface OperatorInfo extends Row {
  id: number | null;
  code: string;
  name: string;
  warehouse: string;
}

/** Length of a text column of the catalogue. */
export function len(column: OptimaColumn): number {
  const n = textLength(COLUMNS[column]);
  if (n === undefined) throw new Error(`${column} is not a text column of fixed length`);
  return n;
}

/** Text cut to its column; what was cut is remembered (full text) for the description. */
export function fit(column: OptimaColumn, text: string, label: string, cuts?: CutText[]): string {
  const value = cut(text, len(column));
  if (cuts && value !== text) cuts.push({ label, full: text });
  return value;
}

export function permanent(message: string, code: string): PermanentError {
  return new PermanentError(message, { system: 'optima', code });
}

/** The first candidate code not yet used (codes are unique case-insensitively). */
export async function freeCode(tx: Transaction, taken: Statement, code: string, max: number): Promise<string> {
  if (!code.trim())
    throw permanent('the new card has an empty code: check the code template in the settings', 'empty-code');
  for (const candidate of uniqueCodes(code, max)) {
    if (!(await first(tx, taken, { code: candidate }))) return candidate;
  }
  throw permanent(`no free code left for "${code}": change the code template`, 'code-exhausted');
}

export class OptimaSession {
  private ready: Promise<OptimaDriver> | undefined;
  private readonly clock: () => Date;

  constructor(
    private readonly open: () => Promise<OptimaDriver>,
    readonly options: GatewayOptions,
  ) {
    this.clock = options.now ?? (() => new Date());
  }

  /** The driver, opened and the integrator's tables migrated on first use. */
  driver(): Promise<OptimaDriver> {
    this.ready ??= (async () => {
      const driver = await this.open();
      // Two workers starting together may both see a table missing; the loser's second
      // pass finds it created ("already exists" on the first pass is that race).
      for (let attempt = 1; ; attempt++) {
        try {
          for (const s of MIGRATION) await driver.company.all(s);
          return driver;
        } catch (e) {
          if (attempt >= 2) {
            await driver.close();
            throw e;
          }
        }
      }
    })().catch((e: unknown) => {
      this.ready = undefined; // the next call tries again (the server may be back)
      throw e;
    });
    return this.ready;
  }

  /** Audit timestamp: Optima keeps server-local times. */
  stamp(): string {
    return localDateTime(this.clock());
  }

  /**
   * The operator's card from the config database. Without it (not found, or a config
   * database this login may not read) writes still go through with the configured code;
   * checkConnection reports the problem.
   */
  async operator(driver: OptimaDriver): Promise<OperatorInfo> {
    const fallback = { id: null, code: this.options.operator, name: '', warehouse: '' };
    try {
      const row = await first<OperatorInfo>(driver.config, SESSION_STATEMENTS.operator, {
        code: this.options.operator,
      });
      return row ?? fallback;
    } catch {
      return fallback;
    }
  }

  async close(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    if (!ready) return;
    const driver = await ready.catch(() => undefined);
    await driver?.close();
  }
}

/** The created/modified-by audit columns of a card or document (`Knt_OpeZalKod`, …). */
export function audit(prefix: 'TrN' | 'Knt' | 'Twr', op: OperatorInfo): Params {
  const code = cut(op.code, len('TrN_OpeZalKod'));
  const name = cut(op.name, len('TrN_OpeZalNazwisko'));
  return {
    [`${prefix}_OpeZalID`]: op.id,
    [`${prefix}_OpeZalKod`]: code,
    [`${prefix}_OpeZalNazwisko`]: name,
    [`${prefix}_OpeModID`]: op.id,
    [`${prefix}_OpeModKod`]: code,
    [`${prefix}_OpeModNazwisko`]: name,
  };
}
