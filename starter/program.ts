/**
 * The command line on commander: the command specs become commander commands, which parse
 * the options and generate --help. Global options (--settings, --account) are the program's,
 * which commander accepts before and after the command name. Usage errors, commander's and
 * ours, come back as UsageError so that they exit 2 with a pointer to --help.
 */
import { Command, CommanderError, Option, type Help } from 'commander';
import {
  EXIT_CODE_HELP,
  GLOBAL_OPTIONS,
  TOOL,
  UsageError,
  type CommandSpec,
  type ExitCode,
  type OptionSpec,
  type ParsedInput,
} from './command';

export type CommandLine =
  | { kind: 'run'; command: CommandSpec; input: ParsedInput }
  /** --help was written to the output. */
  | { kind: 'help' }
  /** A malformed command line; `command` when it is known whose --help to point at. */
  | { kind: 'usage'; message: string; command?: string };

const HELP_WIDTH = 100;
const HELP_FLAGS = new Set(['-h', '--help']);

function toOption(name: string, spec: OptionSpec): Option {
  const short = spec.short ? `-${spec.short}, ` : '';
  const value = spec.type === 'string' ? ` <${spec.valueName ?? 'VALUE'}>` : '';
  return new Option(`${short}--${name}${value}`, spec.description);
}

function exitCodeText(overrides: Partial<Record<ExitCode, string>> = {}): string {
  const lines = (Object.keys(EXIT_CODE_HELP) as unknown as ExitCode[]).map(
    (code) => `  ${code}  ${overrides[code] ?? EXIT_CODE_HELP[code]}`,
  );
  return `\nExit codes:\n${lines.join('\n')}\n`;
}

/** Help as our help always read: `--to-event ID` rather than commander's `--to-event <ID>`, commands by name. */
const HELP_STYLE: Partial<Help> = {
  helpWidth: HELP_WIDTH,
  showGlobalOptions: true,
  optionTerm: (option) => option.flags.replace(/ <([^>]+)>$/, ' $1'),
  subcommandTerm: (command) => command.name(),
};

/** Where the command name is in argv: the first word that is not an option or a global option's value. */
function commandIndex(argv: string[]): number {
  const takesValue = new Set(
    Object.entries(GLOBAL_OPTIONS)
      .filter(([, spec]) => spec.type === 'string')
      .map(([name]) => `--${name}`),
  );
  for (let i = 0; i < argv.length; i++) {
    if (takesValue.has(argv[i])) i++;
    else if (!argv[i].startsWith('-')) return i;
  }
  return -1;
}

/**
 * `help <command>` and `--help <command>` mean `<command> --help`, and `help` alone the tool's
 * --help; commander would show the tool's help for the latter.
 */
function helpLast(argv: string[], at: number, commands: CommandSpec[]): { argv: string[]; at: number } {
  let args = argv;
  if (args[at] === 'help') {
    const target = args[at + 1];
    if (target !== undefined && !commands.some((c) => c.name === target))
      throw new UsageError(`unknown command "${target}"`);
    args = target === undefined ? [...args.slice(0, at), '--help'] : [...args.slice(0, at), target, '--help'];
    if (target === undefined) return { argv: args, at: -1 };
  }
  const before = args.slice(0, at).filter((arg) => HELP_FLAGS.has(arg));
  if (before.length === 0) return { argv: args, at };
  const rest = args.slice(0, at).filter((arg) => !HELP_FLAGS.has(arg));
  return { argv: [...rest, ...args.slice(at), '--help'], at: rest.length };
}

function program(commands: CommandSpec[], write: (text: string) => void, found: (line: CommandLine) => void): Command {
  const tool = new Command(TOOL)
    .usage('[global options] <command> [options]')
    .description(
      'Operates the Allegro → Comarch ERP Optima integrator beside the Temporal Web UI: authorise Allegro, check ' +
        'connections, run and steer the poller, retry waiting orders.\nAlso: npm run cli -- <command> [options]',
    )
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write, outputError: () => undefined })
    .configureHelp(HELP_STYLE)
    .helpCommand(false)
    .helpOption('-h, --help', GLOBAL_OPTIONS.help.description)
    .addHelpText('after', `${exitCodeText()}\nRun '${TOOL} <command> --help' for a command's options.\n`);
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) if (name !== 'help') tool.addOption(toOption(name, spec));

  for (const spec of commands) {
    const command = tool
      .command(spec.name)
      .summary(spec.summary)
      .description([spec.summary, ...spec.description].join('\n\n'))
      .usage(`${spec.usage ? `${spec.usage} ` : ''}[global options]`)
      .allowExcessArguments()
      .addHelpText('after', exitCodeText(spec.exitCodes));
    const options = Object.entries(spec.options).map(([name, option]) => [name, toOption(name, option)] as const);
    for (const [, option] of options) command.addOption(option);
    for (const positional of spec.positionals ?? []) command.argument(`[${positional.name}]`);
    command.action((...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const allowed = spec.positionals?.length ?? 0;
      if (self.args.length > allowed) throw new UsageError(`unexpected argument "${self.args[allowed]}"`);
      const given = self.optsWithGlobals<Record<string, string | boolean | undefined>>();
      const values: ParsedInput['values'] = { settings: given.settings, account: given.account };
      for (const [name, option] of options) values[name] = given[option.attributeName()];
      found({ kind: 'run', command: spec, input: { values, positionals: self.args } });
    });
  }
  return tool;
}

/** Commander's usage errors in the words of this tool (its own start with "error: "). */
function usageError(error: CommanderError, argv: string[], at: number): UsageError {
  const text = error.message.replace(/^error: /, '');
  const quoted = /'([^']+)'/.exec(text)?.[1];
  if (error.code === 'commander.unknownOption' && quoted) {
    const index = argv.indexOf(quoted);
    if (at < 0 || (index >= 0 && index < at))
      return new UsageError(`unknown option ${quoted} before the command (command options come after it)`);
    return new UsageError(`Unknown option '${quoted}'`);
  }
  return new UsageError(text);
}

/** Parses a command line: the command to run with its input, help that was written, or a usage error. */
export async function parseCommandLine(
  argv: string[],
  commands: CommandSpec[],
  write: (text: string) => void,
): Promise<CommandLine> {
  const original = commandIndex(argv);
  const name = original >= 0 ? argv[original] : undefined;
  const known = commands.some((c) => c.name === name) ? name : undefined;
  try {
    if (name !== undefined && name !== 'help' && !known) throw new UsageError(`unknown command "${name}"`);
    if (original < 0 && !argv.some((arg) => HELP_FLAGS.has(arg))) throw new UsageError('no command given');
    const { argv: args, at } = original >= 0 ? helpLast(argv, original, commands) : { argv, at: original };
    let line: CommandLine = { kind: 'help' };
    try {
      await program(commands, write, (found) => (line = found)).parseAsync(args, { from: 'user' });
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      if (error.code === 'commander.helpDisplayed') return { kind: 'help' };
      throw usageError(error, args, at);
    }
    return line;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { kind: 'usage', message: error.message, ...(known ? { command: known } : {}) };
  }
}
