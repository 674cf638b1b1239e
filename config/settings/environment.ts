/**
 * The environment's part of the settings: AO_<KEY>__<KEY>… overrides, Temporal's own
 * variables, and ${NAME} references inside the file's text values.
 */
import { parseDocument } from 'yaml';
import { dottedPath, takesTextAt, type KeyPath } from './shape';

/** Environment variable naming the settings file when loadSettings gets none. */
export const SETTINGS_FILE_ENV = 'AO_CONFIG';
const ENV_PREFIX = 'AO_';
/** The payload codec's keys and server (encryption/): read there, never part of the settings. */
const CODEC_ENV_PREFIX = 'AO_CODEC_';

export type Environment = Record<string, string | undefined>;

const camel = (snake: string) => snake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `allegro.clientSecret` → `AO_ALLEGRO__CLIENT_SECRET` (for messages and docs). */
export function envVarName(dottedKey: string): string {
  return (
    ENV_PREFIX +
    dottedKey
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .map((k) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('__')
  );
}

/** Text keys take the value as it is (a secret "007" stays text); others read it as YAML. */
function envValue(path: KeyPath, raw: string): unknown {
  if (takesTextAt(path)) return raw;
  const doc = parseDocument(raw);
  return doc.errors.length > 0 ? raw : doc.toJS();
}

function setAt(root: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.slice(0, -1).forEach((segment, i) => {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
  node[path[path.length - 1]] = value;
}

/**
 * Applies the overrides to a copy of `raw`; returns it with the variable behind each dotted
 * path it set (messages say where a bad value came from).
 */
export function applyEnv(raw: Record<string, unknown>, env: Environment) {
  const settings = structuredClone(raw);
  const origins = new Map<string, string>();
  const set = (name: string, path: KeyPath) => {
    const value = env[name];
    if (value === undefined) return;
    setAt(settings, path, envValue(path, value));
    origins.set(dottedPath(path), name);
  };
  set('TEMPORAL_ADDRESS', ['temporal', 'address']);
  set('TEMPORAL_NAMESPACE', ['temporal', 'namespace']);
  set('TEMPORAL_API_KEY', ['temporal', 'apiKey']);
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || name === SETTINGS_FILE_ENV || name.startsWith(CODEC_ENV_PREFIX)) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((k) => (/^\d+$/.test(k) ? Number(k) : camel(k)));
    set(name, path);
  }
  return { settings, origins };
}

/** Replaces ${NAME} in every text value by the variable's value; unset ones are problems. */
export function interpolate(value: unknown, env: Environment, path: KeyPath, problems: string[]): unknown {
  if (typeof value === 'string') {
    // A value that is only a reference takes the variable's type, as an override would.
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (whole && env[whole[1]] !== undefined) return envValue(path, env[whole[1]] as string);
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (reference, name: string) => {
      const found = env[name];
      if (found === undefined)
        problems.push(`${dottedPath(path)}: refers to \${${name}}, which is not set in the environment`);
      return found ?? reference;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k], problems)]));
  }
  return value;
}
