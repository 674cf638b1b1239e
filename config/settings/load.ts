/**
 * Loading the settings. Sources, later wins:
 *   1. the YAML file (`loadSettings({ file })`, else the file named by AO_CONFIG), or the
 *      caller's fallback settings when there is no file (the demo passes its own). Text
 *      values in the file may refer to environment variables as ${NAME} (e.g. a password);
 *   2. TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (Temporal's own variables);
 *   3. AO_<KEY>__<KEY>…: one variable per key, each key in UPPER_SNAKE_CASE, `__` between
 *      levels, list positions as numbers. Examples: AO_ALLEGRO__CLIENT_SECRET=…,
 *      AO_OPTIMA__AUTH__PASSWORD=…, AO_IMPORT__STAGE=BOUGHT, AO_POLLER__PAGE_SIZE=500,
 *      AO_ALLEGRO__ACCOUNTS__0__NAME=shop, AO_IMPORT__PRODUCT_MATCH_ORDER='[ean, link]'.
 *      Values of text keys are taken as they are; other values are read as YAML.
 *
 * Validation failures throw SettingsError listing each bad key as a dotted path with what
 * is allowed. Nothing is cached: calling loadSettings again re-reads the file.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { applyEnv, interpolate, SETTINGS_FILE_ENV, type Environment } from './environment';
import { describeIssues, SettingsError } from './messages';
import { SettingsSchema, type Settings, type SettingsInput } from './schema';

/** Validates raw settings (already merged); `origins` names the env variable behind a path. */
export function parseSettings(raw: unknown, source = 'settings', origins: Map<string, string> = new Map()): Settings {
  const result = SettingsSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new SettingsError(describeIssues(result.error.issues, origins), source);
}

function readYaml(file: string, env: Environment): Record<string, unknown> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SettingsError([`cannot read the settings file: ${(e as Error).message}`], file);
  }
  const doc = parseDocument(content);
  if (doc.errors.length > 0)
    throw new SettingsError(
      doc.errors.map((e) => e.message),
      file,
    );
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new SettingsError(['the file must hold a map of keys at the top level'], file);
  const problems: string[] = [];
  const resolved = interpolate(data, env, [], problems) as Record<string, unknown>;
  if (problems.length > 0) throw new SettingsError(problems, file);
  return resolved;
}

/** Settings to use when no file is named, e.g. the demo's; `source` names them in messages. */
export interface SettingsFallback {
  source: string;
  settings: SettingsInput;
}

export interface LoadSettingsOptions {
  /** YAML file; absent: the file named by AO_CONFIG, else `fallback`. */
  file?: string;
  env: Environment;
  /** Absent: no file is an error. */
  fallback?: SettingsFallback;
}

export function loadSettings({ file, env, fallback }: LoadSettingsOptions): Settings {
  const path = file ?? env[SETTINGS_FILE_ENV];
  if (path) {
    const { settings, origins } = applyEnv(readYaml(path, env), env);
    return parseSettings(settings, path, origins);
  }
  if (!fallback)
    throw new SettingsError([`no settings file: pass --settings FILE or set ${SETTINGS_FILE_ENV}`], 'no file');
  const { settings, origins } = applyEnv(fallback.settings, env);
  return parseSettings(settings, fallback.source, origins);
}
