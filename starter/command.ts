/**
 * What a CLI command is: a spec (options, positionals, help text) and a `run`, plus the
 * helpers commands use to read their options. starter/program.ts turns the specs into
 * commander commands (parsing, generated --help, usage errors).
 */
import type { CommandContext } from './context';

/** Exit codes of every command (the tool's --help lists them). */
export const EXIT = { ok: 0, failure: 1, usage: 2, attention: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const TOOL = 'allegro-optima';

/** A mistake in the command line: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in help, e.g. `ID` for `--to-event ID`. */
  valueName?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  required: boolean;
}

export interface ParsedInput {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface CommandSpec {
  name: string;
  /** One line for the tool's command list. */
  summary: string;
  /** What follows the command name in the usage line. */
  usage: string;
  /** Help text paragraphs. */
  description: string[];
  options: Record<string, OptionSpec>;
  positionals?: PositionalSpec[];
  /** What exit codes 0/1/3 mean for this command, when more specific than the tool's. */
  exitCodes?: Partial<Record<ExitCode, string>>;
  run(ctx: CommandContext, input: ParsedInput): Promise<number>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  settings: {
    type: 'string',
    valueName: 'FILE',
    description:
      'settings file (default: settings.yaml in the current folder if present, else the built-in demo settings)',
  },
  account: {
    type: 'string',
    valueName: 'NAME',
    description: "Allegro account from the settings (default: the settings' first account)",
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export function stringOption(input: ParsedInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(input: ParsedInput, name: string): boolean {
  return input.values[name] === true;
}

/** A positive integer option (e.g. --limit), or undefined when absent. */
export function positiveIntOption(input: ParsedInput, name: string): number | undefined {
  const raw = stringOption(input, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new UsageError(`--${name} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

/** An ISO 8601 date or date-time option, normalised to a full ISO timestamp (UTC). */
export function isoOption(input: ParsedInput, name: string): string | undefined {
  const raw = stringOption(input, name);
  if (raw === undefined) return undefined;
  return parseIsoDate(raw, `--${name}`);
}

export function parseIsoDate(raw: string, what: string): string {
  // Date.parse accepts too much ("1", "May 5"); demand the ISO shape first.
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  const time = Date.parse(raw);
  if (!iso.test(raw) || Number.isNaN(time)) {
    throw new UsageError(`${what} must be an ISO 8601 date, e.g. 2026-03-01 or 2026-03-01T08:00:00Z; got "${raw}"`);
  }
  return new Date(time).toISOString();
}

/** Exactly one of the named options must be given (e.g. reset's targets). */
export function exactlyOne(input: ParsedInput, names: string[]): string {
  const given = names.filter((name) => input.values[name] !== undefined);
  const list = names.map((n) => `--${n}`).join(', ');
  if (given.length === 0) throw new UsageError(`one of ${list} is required`);
  if (given.length > 1) throw new UsageError(`only one of ${list} may be given`);
  return given[0];
}

export const EXIT_CODE_HELP: Record<ExitCode, string> = {
  0: 'done',
  1: 'failed (a connection, the settings file, or the command itself); the message says why',
  2: 'usage error (unknown command or option, missing or bad argument)',
  3: 'done, but something needs attention (e.g. a failing check, orders waiting for a person)',
};
