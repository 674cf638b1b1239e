/**
 * Decides where Temporal comes from, in this order:
 *   1. TEMPORAL_ADDRESS set: an existing server; nothing is built or started.
 *   2. a `temporal` CLI on the PATH.
 *   3. the cached build `${XDG_CACHE_HOME:-~/.cache}/allegro-optima/temporal-cli-v<version>/temporal`.
 *   4. otherwise that build is made once with `go install` (Go on the PATH or in /usr/local/go/bin).
 * With none of these it fails with a message saying exactly what to install or set.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** Go's standard install folder; CI images often have Go there without it being on the PATH. */
export const GO_STANDARD_PATH = '/usr/local/go/bin/go';

export type TemporalLocation =
  { kind: 'external'; address: string } | { kind: 'cli'; binary: string; origin: 'path' | 'cache' | 'built' };

export interface LocateOptions {
  /** Environment to decide from (tests inject PATH, HOME, XDG_CACHE_HOME, TEMPORAL_ADDRESS). */
  env?: NodeJS.ProcessEnv;
  /** Where to look for Go when it is not on the PATH. */
  goFallback?: string;
  /** Progress messages; defaults to stderr so stdout stays usable for pipes. */
  log?: (message: string) => void;
}

export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}

const defaultLog = (message: string): void => {
  process.stderr.write(`[temporal] ${message}\n`);
};

export function cachedCliDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'allegro-optima', `temporal-cli-v${TEMPORAL_CLI_VERSION}`);
}

export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cachedCliDir(env), 'temporal');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Like `which`: the first executable `name` in the PATH of `env`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function noTemporalMessage(env: NodeJS.ProcessEnv = process.env): string {
  return [
    'No Temporal server or CLI found, and no Go to build one. Do one of:',
    `  - install Go >= 1.22 (https://go.dev/dl/); the Temporal CLI v${TEMPORAL_CLI_VERSION} is then built once into`,
    `    ${cachedCliPath(env)} (a few minutes, first time only);`,
    '  - install the `temporal` CLI (https://docs.temporal.io/cli) and put it on the PATH;',
    '  - or set TEMPORAL_ADDRESS=host:7233 to use an existing Temporal server.',
  ].join('\n');
}

function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

/** Runs `go install` into a fresh folder, then renames the binary into place: an interrupted build leaves no half binary. */
async function buildCli(go: string, env: NodeJS.ProcessEnv, log: (message: string) => void): Promise<string> {
  const target = cachedCliPath(env);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const gobin = fs.mkdtempSync(path.join(path.dirname(target), '.partial-'));
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go (first time only, takes a few minutes)…`);
  log(`  ${go} install ${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION} (GOBIN=${gobin})`);
  const started = Date.now();
  const tail: string[] = [];
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(go, ['install', `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: gobin },
        cwd: os.tmpdir(), // away from any go.mod/go.work that could change what gets built
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString().split('\n')) {
          if (!line.trim()) continue;
          log(`  ${line}`);
          tail.push(line);
          if (tail.length > 20) tail.shift();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', reject);
      child.on('close', resolve);
    });
    const built = path.join(gobin, 'temporal');
    if (code !== 0 || !isExecutable(built)) {
      throw new TemporalUnavailableError(
        `Building the Temporal CLI failed (go exited with ${String(code)}):\n${tail.join('\n')}\n\n${noTemporalMessage(env)}`,
      );
    }
    fs.renameSync(built, target);
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
  log(`Built the Temporal CLI in ${formatElapsed(Date.now() - started)}: ${target}`);
  return target;
}

export async function locateTemporal(options: LocateOptions = {}): Promise<TemporalLocation> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;

  const address = env.TEMPORAL_ADDRESS?.trim();
  if (address) {
    log(`Using the Temporal server at ${address} (TEMPORAL_ADDRESS); nothing to build or start.`);
    return { kind: 'external', address };
  }

  const onPath = findOnPath('temporal', env);
  if (onPath) {
    log(`Using the Temporal CLI on the PATH: ${onPath}`);
    return { kind: 'cli', binary: onPath, origin: 'path' };
  }

  const cached = cachedCliPath(env);
  if (isExecutable(cached)) {
    log(`Using the cached Temporal CLI v${TEMPORAL_CLI_VERSION}: ${cached}`);
    return { kind: 'cli', binary: cached, origin: 'cache' };
  }

  const goFallback = options.goFallback ?? GO_STANDARD_PATH;
  const go = findOnPath('go', env) ?? (isExecutable(goFallback) ? goFallback : undefined);
  if (!go) throw new TemporalUnavailableError(noTemporalMessage(env));
  return { kind: 'cli', binary: await buildCli(go, env, log), origin: 'built' };
}
