/** Runs the CLI in-process with captured output (no child processes, no real terminal). */
import { runCli } from '../../starter/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Pretend stdout is a terminal (progress bar, dots). */
  tty?: boolean;
}

export async function cli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: {
      write: (text: string) => (stdout += text),
      isTTY: options.tty ?? false,
      columns: 100,
    },
    stderr: { write: (text: string) => (stderr += text) },
    // Not process.env: an AO_* or TEMPORAL_* variable of the machine must not change the test.
    // The run's codec key only: the CLI must read what the tests' workers encrypted.
    env: { AO_CODEC_KEYS: process.env.AO_CODEC_KEYS, ...(options.env ?? {}) },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}
