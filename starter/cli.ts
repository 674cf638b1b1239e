/**
 * The ops CLI: `npm run cli -- <command>` or `allegro-optima <command>`.
 * `runCli` runs one command in-process and returns its exit code, so tests need no
 * child processes; the last lines make it the program when started directly.
 */
import { SettingsError } from '../config/settings';
import { EXIT, TOOL, UsageError, type CommandSpec } from './command';
import { COMMANDS } from './commands';
import { CommandContext, type CliIo } from './context';
import { parseCommandLine } from './program';

export type { CliIo, Output } from './context';
export { EXIT } from './command';

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let command: CommandSpec | undefined;
  let ctx: CommandContext | undefined;
  try {
    const line = await parseCommandLine(argv, COMMANDS, (text) => io.stdout.write(text));
    if (line.kind === 'help') return EXIT.ok;
    if (line.kind === 'usage') return usage(io, line.message, line.command);
    command = line.command;
    const { settings, account } = line.input.values;
    ctx = new CommandContext(io, {
      settings: typeof settings === 'string' ? settings : undefined,
      account: typeof account === 'string' ? account : undefined,
    });
    return await command.run(ctx, line.input);
  } catch (error) {
    return reportError(error, io, command);
  } finally {
    await ctx?.close();
  }
}

function usage(io: CliIo, message: string, command: string | undefined): number {
  io.stderr.write(`${TOOL}: ${message}\nRun '${TOOL}${command ? ` ${command}` : ''} --help' for usage.\n`);
  return EXIT.usage;
}

function reportError(error: unknown, io: CliIo, command: CommandSpec | undefined): number {
  if (error instanceof UsageError) return usage(io, error.message, command?.name);
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
