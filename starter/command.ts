/**
 * The CLI's small command framework on `node:util` parseArgs: a command is a spec (options,
 * positionals, help text) and a `run`. Global options are accepted before and after the
 * command name, so `cli --account x status` and `cli status --account x` both work.
 */
import { parseArgs } from 'node:util';
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

export interface GlobalArgs {
  settings?: string;
  account?: string;
  help: boolean;
  command?: string;
  /** Everything after the command name. */
  rest: string[];
}

/**
 * Splits the command line at the command name. Only global options may come before it;
 * anything else there is a usage error (it would be ambiguous which command it belongs to).
 */
export function splitGlobal(argv: string[]): GlobalArgs {
  const { tokens } = parseArgs({
    args: argv,
    options: toParseArgsOptions(GLOBAL_OPTIONS),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const result: GlobalArgs = { help: false, rest: [] };
  for (const token of tokens) {
    if (token.kind === 'positional') {
      result.command = token.value;
      result.rest = argv.slice(token.index + 1);
      return result;
    }
    if (token.kind === 'option-terminator') throw new UsageError("'--' is not expected before the command");
    if (!(token.name in GLOBAL_OPTIONS)) {
      throw new UsageError(`unknown option ${token.rawName} before the command (command options come after it)`);
    }
    if (token.name === 'help') result.help = true;
    else {
      if (token.value === undefined) throw new UsageError(`option ${token.rawName} needs a value`);
      result[token.name as 'settings' | 'account'] = token.value;
    }
  }
  return result;
}

function toParseArgsOptions(
  specs: Record<string, OptionSpec>,
): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs))
    out[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  return out;
}

/** Parses a command's arguments (its own options plus the global ones) strictly. */
export function parseCommandArgs(command: CommandSpec, args: string[]): ParsedInput {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: toParseArgsOptions({ ...GLOBAL_OPTIONS, ...command.options }),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs' messages are good ("Unknown option '--x'", "Option '--from <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { values, positionals: parsed.positionals };
  const allowed = command.positionals ?? [];
  if (parsed.positionals.length > allowed.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[allowed.length]}"`);
  }
  return { values, positionals: parsed.positionals };
}

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

// ---------------------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------------------

function optionLines(specs: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export const EXIT_CODE_HELP: Record<ExitCode, string> = {
  0: 'done',
  1: 'failed (a connection, the settings file, or the command itself); the message says why',
  2: 'usage error (unknown command or option, missing or bad argument)',
  3: 'done, but something needs attention (e.g. a failing check, orders waiting for a person)',
};

function exitLines(overrides: Partial<Record<ExitCode, string>> = {}): string[] {
  return (Object.keys(EXIT_CODE_HELP) as unknown as ExitCode[]).map(
    (code) => `  ${code}  ${overrides[code] ?? EXIT_CODE_HELP[code]}`,
  );
}

const HELP_WIDTH = 100;

/** Word-wraps a paragraph for an 80-100 column terminal. */
function wrap(paragraph: string, width = HELP_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export function commandHelp(command: CommandSpec): string {
  const lines = [
    `Usage: ${TOOL} ${command.name}${command.usage ? ` ${command.usage}` : ''} [global options]`,
    '',
    command.summary,
    '',
    ...command.description.flatMap((paragraph) => [wrap(paragraph), '']),
  ];
  if (Object.keys(command.options).length > 0) lines.push('Options:', ...optionLines(command.options), '');
  lines.push('Global options:', ...optionLines(GLOBAL_OPTIONS), '', 'Exit codes:', ...exitLines(command.exitCodes), '');
  return lines.join('\n');
}

export function toolHelp(commands: CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${TOOL} [global options] <command> [options]`,
    `       npm run cli -- <command> [options]`,
    '',
    'Operates the Allegro → Comarch ERP Optima integrator beside the Temporal Web UI:',
    'authorise Allegro, check connections, run and steer the poller, retry waiting orders.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes:',
    ...exitLines(),
    '',
    `Run '${TOOL} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}
