/**
 * The payload codec's AES-256 keys. They come from the environment (or a file it names), never
 * from the repository or the settings file, which get copied around and committed.
 *
 *   AO_CODEC_KEYS="k2:<base64 of 32 bytes>,k1:<base64 of 32 bytes>"   first entry = current key
 *   AO_CODEC_KEY_FILE=/etc/allegro-optima/codec-keys                   same entries, one a line or comma-separated
 *
 * Older keys stay listed after a rotation so payloads they encrypted still decode.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;

export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface CodecKeyring {
  /** Encrypts every new payload. */
  current: CodecKey;
  /** Every key that may have encrypted a stored payload, current included. */
  byId: ReadonlyMap<string, CodecKey>;
}

export class CodecKeyError extends Error {
  override name = 'CodecKeyError';
}

// The id travels in every payload's metadata and in log lines, so keep it short and printable.
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const keyIdRule = (id: string) => `key id "${id}" must be 1-64 characters of letters, digits, ".", "_" or "-"`;

function parseEntry(entry: string, source: string): CodecKey {
  const colon = entry.indexOf(':');
  if (colon < 0) throw new CodecKeyError(`${source}: expected "<key id>:<base64 key>", got an entry without ":"`);
  const id = entry.slice(0, colon).trim();
  const encoded = entry.slice(colon + 1).trim();
  if (!KEY_ID.test(id)) {
    throw new CodecKeyError(`${source}: ${keyIdRule(id)}`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new CodecKeyError(`${source}: key "${id}" is not base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new CodecKeyError(
      `${source}: key "${id}" is ${key.length} bytes, AES-256 needs ${KEY_BYTES} (generate one with npm run codec-key)`,
    );
  }
  return { id, key };
}

/** Parses "id:base64" entries separated by commas or new lines; `#` starts a comment line. */
export function parseCodecKeys(spec: string, source: string): CodecKeyring {
  const entries = spec
    .split(/[,\n]/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (entries.length === 0) throw new CodecKeyError(`${source}: no keys`);
  const keys = entries.map((entry) => parseEntry(entry, source));
  const byId = new Map<string, CodecKey>();
  for (const key of keys) {
    if (byId.has(key.id)) throw new CodecKeyError(`${source}: key id "${key.id}" is listed twice`);
    byId.set(key.id, key);
  }
  return { current: keys[0], byId };
}

/**
 * The keyring the environment configures, or undefined when it configures none (encryption off).
 * Setting both variables is refused rather than silently preferring one.
 */
export function codecKeysFromEnvironment(env: NodeJS.ProcessEnv = process.env): CodecKeyring | undefined {
  const inline = env.AO_CODEC_KEYS?.trim();
  const file = env.AO_CODEC_KEY_FILE?.trim();
  if (inline && file) throw new CodecKeyError('Set AO_CODEC_KEYS or AO_CODEC_KEY_FILE, not both');
  if (inline) return parseCodecKeys(inline, 'AO_CODEC_KEYS');
  if (!file) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CodecKeyError(`AO_CODEC_KEY_FILE: cannot read ${file}: ${(error as Error).message}`);
  }
  return parseCodecKeys(text, `AO_CODEC_KEY_FILE (${file})`);
}

/** A fresh random key as an "id:base64" entry, ready to put first in AO_CODEC_KEYS. */
export function generateCodecKey(id: string): string {
  if (!KEY_ID.test(id)) throw new CodecKeyError(keyIdRule(id));
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
