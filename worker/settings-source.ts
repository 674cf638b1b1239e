/**
 * The import policy in force, for the activities (ActivityDeps.policy). A worker started with
 * a settings file re-reads it when the file changes (its mtime or size), so a person fixing a
 * mapping needs no worker or poller restart: `retry` is enough. A file that no longer loads
 * keeps the last good settings in force, with the error logged (the messages never echo a
 * secret). Without a file (demo, tests) the settings given at start stay in force.
 */
import { stat } from 'node:fs/promises';
import { Runtime } from '@temporalio/worker';
import { versioned } from '../activities/policy';
import { loadSettings, toImportPolicy, type LoadSettingsOptions, type Settings } from '../config/settings';
import type { VersionedPolicy } from '../domain/types';

export interface PolicySourceOptions {
  /** The settings the worker started with. */
  settings: Settings;
  /** The file they came from; absent: they never change. */
  file?: string;
  /** For ${NAME} references and AO_… overrides when re-reading. Default: process.env. */
  env?: LoadSettingsOptions['env'];
  /** Where a file that does not load is reported. Default: the Temporal runtime's logger. */
  warn?: (message: string, meta: Record<string, unknown>) => void;
}

export function policySource(options: PolicySourceOptions): (account: string) => Promise<VersionedPolicy> {
  let current = versioned(toImportPolicy(options.settings));
  let seen: string | undefined;
  const warn =
    options.warn ??
    ((message: string, meta: Record<string, unknown>) => {
      Runtime.instance().logger.warn(message, meta);
    });

  async function refresh(file: string): Promise<void> {
    let stamp: string;
    try {
      const { mtimeMs, size } = await stat(file);
      stamp = `${mtimeMs}:${size}`;
    } catch (error) {
      warn('settings file unreadable; keeping the last good settings', { file, error: (error as Error).message });
      return;
    }
    if (stamp === seen) return;
    seen = stamp;
    try {
      const settings = loadSettings({ file, env: options.env ?? process.env });
      current = versioned(toImportPolicy(settings));
    } catch (error) {
      warn('settings file invalid; keeping the last good settings', { file, error: (error as Error).message });
    }
  }

  // One policy for every account today; the port takes the account so that may change.
  return async () => {
    if (options.file) await refresh(options.file);
    return current;
  };
}
