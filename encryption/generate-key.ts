/**
 * `npm run codec-key [id]`: prints a new random AES-256 key as an AO_CODEC_KEYS entry.
 * Rotation: put the new entry first and keep the old ones after it.
 */
import { generateCodecKey } from './keys';

const id = process.argv[2] ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
console.log(generateCodecKey(id));
console.error(`Put it first in AO_CODEC_KEYS (e.g. AO_CODEC_KEYS="${id}:...,<older keys>") or in AO_CODEC_KEY_FILE.`);
