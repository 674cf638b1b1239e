/**
 * Builds what the worker runs with from the settings: a Temporal connection for the workers
 * and a client for the poller's dispatch, one Allegro client per configured account (sharing
 * the token store), the Optima gateway (embedded or SQL Server), NBP's exchange rates, and the activities.
 */
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities';
import { AllegroClient } from '../activities/allegro/client';
import { FileTokenStore, type TokenStore } from '../activities/allegro/token-store';
import { createOptimaGateway, type OptimaDriverFactories } from '../activities/optima';
import { createNbpExchangeRates } from '../activities/rates/nbp';
import { allegroTarget, temporalConnectionOptions } from '../config/connections';
import type { Settings } from '../config/settings';
import { PermanentError } from '../domain/errors';
import { dataConverterFromEnvironment } from '../encryption/data-converter';
import type { OptimaGateway } from '../domain/types';
import { connectWithRetry, type ConnectRetry } from './connect';
import { policySource } from './settings-source';
import { startWorker, type RunningWorker, type StartWorkerDeps } from './start';

export interface WiringOptions {
  /** Where relative paths of the settings start (token store, TLS files). Default: process.cwd(). */
  cwd?: string;
  /** An already open gateway (the demo inspects the same embedded Optima); closed by its owner. */
  optima?: OptimaGateway;
  /** Drivers for Optima kinds other than SQL Server (the embedded Optima: demo and tests). */
  optimaDrivers?: OptimaDriverFactories;
  /** Default: the file store of settings.allegro.tokenStoreDir. */
  tokenStore?: TokenStore;
  /** Workflow starts in flight while the poller dispatches a page (ActivityDeps). Default 32. */
  dispatchConcurrency?: number;
  /** Default: the codec of AO_CODEC_KEYS / AO_CODEC_KEY_FILE, or none when neither is set. */
  dataConverter?: DataConverter;
  /** The file `settings` came from: re-read when it changes (worker/settings-source.ts). */
  settingsFile?: string;
  /**
   * How the first connection to Temporal is retried while the server is unreachable. Default:
   * no retry (a CLI or a test wants the error); `npm run worker` retries without end.
   */
  connectRetry?: ConnectRetry;
}

export interface WorkerWiring {
  connection: NativeConnection;
  client: Client;
  optima: OptimaGateway;
  allegro: ReadonlyMap<string, AllegroClient>;
  activities: Activities;
  /** What the workers started on this wiring and its client encode payloads with. */
  dataConverter: DataConverter | undefined;
  /** Where the Allegro tokens are kept (the metrics read the refresh token's age). */
  tokenStore: TokenStore;
  /** Closes what this wiring opened (connections, clients, its own gateway). */
  close(): Promise<void>;
}

export async function wireWorker(settings: Settings, options: WiringOptions = {}): Promise<WorkerWiring> {
  const cwd = options.cwd ?? process.cwd();
  const opened: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close().catch(() => undefined);
  };
  try {
    const temporalOptions = temporalConnectionOptions(settings, cwd);
    const connectNative = () => NativeConnection.connect(temporalOptions as NativeConnectionOptions);
    const connection = options.connectRetry
      ? await connectWithRetry(connectNative, options.connectRetry)
      : await connectNative();
    opened.push(() => connection.close());
    const dataConverter = options.dataConverter ?? dataConverterFromEnvironment(process.env);
    // The workers' own connection: an order the dispatch starts can then be started eagerly,
    // its first task handed straight to this process's worker (activities/poller-activities.ts).
    const client = new Client({
      connection,
      namespace: settings.temporal.namespace,
      ...(dataConverter ? { dataConverter } : {}),
    });

    const tokenStore =
      options.tokenStore ?? new FileTokenStore({ dir: path.resolve(cwd, settings.allegro.tokenStoreDir) });
    const allegro = new Map<string, AllegroClient>();
    for (const { name } of settings.allegro.accounts) {
      const allegroClient = new AllegroClient({
        account: name,
        target: allegroTarget(settings),
        clientId: settings.allegro.clientId,
        clientSecret: settings.allegro.clientSecret,
        tokenStore,
        userAgent: settings.allegro.userAgent,
      });
      allegro.set(name, allegroClient);
      opened.push(() => allegroClient.close());
    }

    let optima = options.optima;
    if (!optima) {
      const own = createOptimaGateway(settings, options.optimaDrivers);
      opened.push(() => own.close());
      optima = own;
    }

    const rates = createNbpExchangeRates({ baseUrl: settings.rates.nbpUrl });
    opened.push(() => rates.close());

    const activities = createActivities({
      allegro: (account) => {
        const found = allegro.get(account);
        if (!found) {
          throw new PermanentError(`no Allegro account "${account}" in the settings (allegro.accounts)`, {
            system: 'allegro',
            code: 'UNKNOWN_ACCOUNT',
          });
        }
        return found;
      },
      optima,
      rates,
      policy: policySource({ settings, ...(options.settingsFile ? { file: options.settingsFile } : {}) }),
      temporal: client,
      taskQueue: settings.temporal.taskQueue,
      ...(options.dispatchConcurrency ? { dispatchConcurrency: options.dispatchConcurrency } : {}),
    });
    return { connection, client, optima, allegro, activities, dataConverter, tokenStore, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The worker the settings describe (namespace, task queue, Allegro's rate limit) on a wiring. */
export function startWiredWorker(
  wiring: WorkerWiring,
  settings: Settings,
  extra: Pick<StartWorkerDeps, 'tuning' | 'workflowBundle' | 'identity'> = {},
): Promise<RunningWorker> {
  return startWorker({
    connection: wiring.connection,
    namespace: settings.temporal.namespace,
    taskQueue: settings.temporal.taskQueue,
    activities: wiring.activities,
    allegroRequestsPerMinute: settings.allegroRateLimitPerMinute,
    ...(wiring.dataConverter ? { dataConverter: wiring.dataConverter } : {}),
    ...extra,
  });
}
