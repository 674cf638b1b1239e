/**
 * SQL parameter types, the way SQL Server declares them. Every statement parameter has one,
 * so the mssql driver can bind `VarChar` for varchar columns and `NVarChar` for nvarchar
 * ones (INTEGRATION.md §7.3: implicit nvarchar → varchar conversions lose characters and
 * defeat indexes), and the gateway can cut text to the column length before writing.
 */

export type SqlType =
  | { kind: 'int' | 'smallint' | 'tinyint' | 'datetime' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'varchar' | 'nvarchar'; length: number | 'max' };

/**
 * A bound value. Datetimes are local-time text `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DD`),
 * as Optima keeps server-local times; money is a decimal number of złoty (minor / 100).
 */
export type SqlValue = string | number | null;

export const int: SqlType = { kind: 'int' };
export const smallint: SqlType = { kind: 'smallint' };
export const tinyint: SqlType = { kind: 'tinyint' };
export const datetime: SqlType = { kind: 'datetime' };
export const decimal = (precision: number, scale: number): SqlType => ({ kind: 'decimal', precision, scale });
export const varchar = (length: number | 'max'): SqlType => ({ kind: 'varchar', length });
export const nvarchar = (length: number | 'max'): SqlType => ({ kind: 'nvarchar', length });

/** `nvarchar(50)`, `decimal(15, 2)`: the spelling of optima-columns-2025.json. */
export function sqlTypeName(t: SqlType): string {
  switch (t.kind) {
    case 'decimal':
      return `decimal(${t.precision}, ${t.scale})`;
    case 'varchar':
    case 'nvarchar':
      return `${t.kind}(${t.length})`;
    default:
      return t.kind;
  }
}

/** Character limit of a text type; undefined for other types and `(max)`. */
export function textLength(t: SqlType): number | undefined {
  return (t.kind === 'varchar' || t.kind === 'nvarchar') && t.length !== 'max' ? t.length : undefined;
}
