/**
 * How the worker, the CLI and the demo reach Temporal and Allegro, from the settings.
 * Kept free of the worker's native module so the CLI stays light.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import type { AllegroTarget } from '../activities/allegro/client';
import type { Settings } from './settings';

/** Address, TLS and API key from the settings (Temporal Cloud needs the last two). */
export function temporalConnectionOptions(settings: Settings, cwd: string): ConnectionOptions {
  const { address, tls, apiKey } = settings.temporal;
  const options: ConnectionOptions = { address };
  if (tls) {
    const read = (file: string) => fs.readFileSync(path.resolve(cwd, file));
    options.tls = {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.caFile ? { serverRootCACertificate: read(tls.caFile) } : {}),
      ...(tls.certFile && tls.keyFile ? { clientCertPair: { crt: read(tls.certFile), key: read(tls.keyFile) } } : {}),
    };
  }
  if (apiKey) {
    options.apiKey = apiKey;
    // An API key only travels over TLS (Temporal Cloud); the system CAs do when none is set.
    options.tls ??= true;
  }
  return options;
}

/** The simulator serves the API and OAuth on one base URL. */
export function allegroTarget(settings: Settings): AllegroTarget {
  const { environment, simulatorUrl } = settings.allegro;
  return environment === 'simulator' ? { baseUrl: simulatorUrl ?? '' } : environment;
}
