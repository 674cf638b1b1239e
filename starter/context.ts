/**
 * What a command runs with: the I/O it writes to, the settings, the chosen account, and
 * lazily opened connections (Temporal, Allegro, Optima) that runCli closes at the end.
 * Only what a command asks for is opened, so `status` never touches Optima and `--help`
 * touches nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { AllegroClient } from '../activities/allegro/client';
import { FileTokenStore } from '../activities/allegro/token-store';
import { createOptimaGateway } from '../activities/optima';
import { allegroTarget, temporalConnectionOptions } from '../config/connections';
import { loadSettings, SETTINGS_FILE_ENV, type Settings } from '../config/settings';
import { DEMO_FALLBACK } from '../dev/demo-settings';
import { embeddedOptimaDrivers } from '../dev/embedded-optima/drivers';
import type { OptimaGateway } from '../domain/types';
import { UsageError } from './command';
import { dataConverterFromEnvironment } from '../encryption/data-converter';
import { demoDataConverter } from './demo/codec';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  /** Environment for `${VAR}` references in the settings and for defaults. */
  env: NodeJS.ProcessEnv;
  /** Where `settings.yaml` is looked for and relative paths start. */
  cwd: string;
  /** Ctrl-C: long commands (auth) stop waiting. */
  signal?: AbortSignal;
}

export const DEFAULT_SETTINGS_FILE = 'settings.yaml';
/** How long a CLI waits for Temporal before saying it is unreachable. */
const TEMPORAL_CONNECT_TIMEOUT = '5s';

export class CommandContext {
  private loaded?: Settings;
  private temporalConnection?: Promise<Connection>;
  private allegroClient?: AllegroClient;
  private gateway?: OptimaGateway;

  constructor(
    readonly io: CliIo,
    private readonly options: { settings?: string; account?: string },
  ) {}

  out(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /**
   * The settings file in use: --settings, else the file named by AO_CONFIG, else
   * ./settings.yaml if present, else none (the embedded demo settings).
   */
  get settingsFile(): string | undefined {
    const named = this.options.settings ?? this.io.env[SETTINGS_FILE_ENV];
    if (named) return path.resolve(this.io.cwd, named);
    const local = path.join(this.io.cwd, DEFAULT_SETTINGS_FILE);
    return fs.existsSync(local) ? local : undefined;
  }

  /** Throws SettingsError (naming the bad keys) when the file does not validate. */
  settings(): Settings {
    this.loaded ??= loadSettings({ file: this.settingsFile, env: this.io.env, fallback: DEMO_FALLBACK });
    return this.loaded;
  }

  /** --account, else the settings' first account; an unknown name is a usage error. */
  account(): string {
    const names = this.settings().allegro.accounts.map((a) => a.name);
    const wanted = this.options.account ?? names[0];
    if (!wanted || !names.includes(wanted)) {
      throw new UsageError(
        `unknown account "${wanted ?? ''}": the settings have ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no accounts'}`,
      );
    }
    return wanted;
  }

  get temporalTarget(): { address: string; namespace: string } {
    const { address, namespace } = this.settings().temporal;
    return { address, namespace };
  }

  /** Connects on first use; fails with "Temporal not reachable at …" instead of gRPC noise. */
  async temporal(): Promise<Client> {
    const { address, namespace } = this.temporalTarget;
    this.temporalConnection ??= Connection.connect({
      ...temporalConnectionOptions(this.settings(), this.io.cwd),
      connectTimeout: TEMPORAL_CONNECT_TIMEOUT,
    });
    let connection: Connection;
    try {
      connection = await this.temporalConnection;
    } catch (error) {
      this.temporalConnection = undefined;
      throw new Error(`Temporal is not reachable at ${address}: ${(error as Error).message}`);
    }
    const dataConverter = dataConverterFromEnvironment(this.io.env) ?? demoDataConverter(this.io.cwd);
    return new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
  }

  tokenStore(): FileTokenStore {
    return new FileTokenStore({ dir: path.resolve(this.io.cwd, this.settings().allegro.tokenStoreDir) });
  }

  allegro(): AllegroClient {
    if (!this.allegroClient) {
      const { allegro } = this.settings();
      this.allegroClient = new AllegroClient({
        account: this.account(),
        target: allegroTarget(this.settings()),
        clientId: allegro.clientId,
        clientSecret: allegro.clientSecret,
        userAgent: allegro.userAgent,
        tokenStore: this.tokenStore(),
      });
    }
    return this.allegroClient;
  }

  optima(): OptimaGateway {
    this.gateway ??= createOptimaGateway(this.settings(), embeddedOptimaDrivers);
    return this.gateway;
  }

  /** Closes whatever was opened; errors while closing are not the command's result. */
  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.temporalConnection) closing.push(this.temporalConnection.then((c) => c.close()));
    if (this.allegroClient) closing.push(this.allegroClient.close());
    if (this.gateway) closing.push(this.gateway.close());
    await Promise.allSettled(closing);
  }
}
