/**
 * The ops CLI: `npm run cli -- <command>` or `allegro-optima <command>`.
 * `runCli` runs one command in-process and returns its exit code, so tests need no
 * child processes; the last lines make it the program when started directly.
 */
import { SettingsError } from '../config/settings';
import {
  commandHelp,
  EXIT,
  parseCommandArgs,
  splitGlobal,
  TOOL,
  toolHelp,
  UsageError,
  type CommandSpec,
} from './command';
import { COMMANDS } from './commands';
import { CommandContext, type CliIo } from './context';

export type { CliIo, Output } from './context';
export { EXIT } from './command';

function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let command: CommandSpec | undefined;
  let ctx: CommandContext | undefined;
  try {
    const global = splitGlobal(argv);
    if (global.command === 'help') {
      // `help <command>` as well as `<command> --help`.
      const target = global.rest[0] ? findCommand(global.rest[0]) : undefined;
      if (global.rest[0] && !target) throw new UsageError(`unknown command "${global.rest[0]}"`);
      io.stdout.write(target ? commandHelp(target) : toolHelp(COMMANDS));
      return EXIT.ok;
    }
    if (!global.command) {
      if (global.help) {
        io.stdout.write(toolHelp(COMMANDS));
        return EXIT.ok;
      }
      throw new UsageError('no command given');
    }
    command = findCommand(global.command);
    if (!command) throw new UsageError(`unknown command "${global.command}"`);
    const input = parseCommandArgs(command, global.rest);
    if (global.help || input.values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const settings = (input.values.settings as string | undefined) ?? global.settings;
    const account = (input.values.account as string | undefined) ?? global.account;
    ctx = new CommandContext(io, { settings, account });
    return await command.run(ctx, input);
  } catch (error) {
    return reportError(error, io, command);
  } finally {
    await ctx?.close();
  }
}

function reportError(error: unknown, io: CliIo, command: CommandSpec | undefined): number {
  if (error instanceof UsageError) {
    const help = command ? `${TOOL} ${command.name} --help` : `${TOOL} --help`;
    io.stderr.write(`${TOOL}: ${error.message}\nRun '${help}' for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof SettingsError) {
    io.stderr.write(`${TOOL}: the settings are not valid:\n${error.message}\n`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`${TOOL}${command ? ` ${command.name}` : ''}: ${message}\n`);
  return EXIT.failure;
}

if (require.main === module) {
  const abort = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    // The first Ctrl-C lets a waiting command (auth) stop cleanly; a command that does not
    // end soon after, or a second Ctrl-C, ends the process.
    if (interrupted) process.exit(130);
    interrupted = true;
    abort.abort(new Error('interrupted'));
    setTimeout(() => process.exit(130), 2000).unref();
  });
  runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: abort.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
