/**
 * Every SQL statement the Optima gateway and its SQL Server driver run, gathered from the
 * modules that own them (each keeps its statements beside the code that runs them).
 *
 * tests/optima parse every `mssql` text here with a T-SQL parser and check each CDN table
 * and column against optima-columns-2025.json, so a typo fails a test, not a customer; a
 * module's statements missing here would escape that check.
 */
import { CHECK_STATEMENTS } from './checks';
import { CONTRACTOR_STATEMENTS } from './contractors';
import { DOCUMENT_ROW_STATEMENTS } from './document-rows';
import { DOCUMENT_STATEMENTS } from './documents';
import { FULFILMENT_STATEMENTS } from './fulfilment';
import { LEDGER_STATEMENTS } from './ledger';
import { MIGRATION_STATEMENTS } from './migration';
import { MSSQL_DRIVER_STATEMENTS } from './mssql-driver';
import { NUMBERING_STATEMENTS } from './numbering';
import { OFFER_EXPORT_STATEMENTS } from './offer-exports';
import { PRODUCT_STATEMENTS } from './products';
import { SESSION_STATEMENTS } from './session';
import type { Statement } from './sql';

const GROUPS = [
  MIGRATION_STATEMENTS,
  MSSQL_DRIVER_STATEMENTS,
  SESSION_STATEMENTS,
  CHECK_STATEMENTS,
  NUMBERING_STATEMENTS,
  CONTRACTOR_STATEMENTS,
  PRODUCT_STATEMENTS,
  LEDGER_STATEMENTS,
  DOCUMENT_STATEMENTS,
  DOCUMENT_ROW_STATEMENTS,
  OFFER_EXPORT_STATEMENTS,
  FULFILMENT_STATEMENTS,
] as const;

type Union<T> = T extends readonly (infer G)[] ? G : never;
type Merged<U> = (U extends unknown ? (g: U) => void : never) extends (g: infer I) => void ? I : never;

/** Statements by name; a name used by two modules would hide one of them, so it is refused. */
export const STATEMENTS = GROUPS.reduce<Record<string, Statement>>((all, group) => {
  for (const [name, statement] of Object.entries(group)) {
    if (name in all) throw new Error(`statement ${name} is defined by two gateway modules`);
    all[name] = statement;
  }
  return all;
}, {}) as Merged<Union<typeof GROUPS>>;
