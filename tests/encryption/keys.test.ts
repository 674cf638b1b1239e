import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { codecKeysFromEnvironment, CodecKeyError, generateCodecKey, parseCodecKeys } from '../../encryption/keys';
import { NEW_KEY, OLD_KEY } from './fixtures';

describe('codec keys', () => {
  it('makes the first entry current and keeps every key by id', () => {
    const keys = parseCodecKeys(`${NEW_KEY}, ${OLD_KEY}`, 'AO_CODEC_KEYS');
    expect(keys.current.id).toBe('k2');
    expect([...keys.byId.keys()]).toEqual(['k2', 'k1']);
    expect(keys.byId.get('k1')!.key.toString('base64')).toBe(OLD_KEY.slice(3));
  });

  it('generates 32 random bytes per key', () => {
    const [id, encoded] = generateCodecKey('k9').split(':');
    expect(id).toBe('k9');
    expect(Buffer.from(encoded, 'base64')).toHaveLength(32);
    expect(generateCodecKey('k9')).not.toBe(generateCodecKey('k9'));
  });

  it('refuses a key that is not 32 bytes, naming it and its length', () => {
    const short = `k1:${Buffer.alloc(16).toString('base64')}`;
    expect(() => parseCodecKeys(short, 'AO_CODEC_KEYS')).toThrow(
      new CodecKeyError('AO_CODEC_KEYS: key "k1" is 16 bytes, AES-256 needs 32 (generate one with npm run codec-key)'),
    );
  });

  it('refuses entries without an id, bad ids, non-base64 keys, duplicates and an empty list', () => {
    expect(() => parseCodecKeys('c2VjcmV0', 'x')).toThrow(/without ":"/);
    expect(() => parseCodecKeys(`k 1:${OLD_KEY.slice(3)}`, 'x')).toThrow(/key id "k 1" must be/);
    expect(() => parseCodecKeys('k1:not base64!', 'x')).toThrow(/key "k1" is not base64/);
    expect(() => parseCodecKeys(`${OLD_KEY},${OLD_KEY}`, 'x')).toThrow(/key id "k1" is listed twice/);
    expect(() => parseCodecKeys(' , ', 'x')).toThrow(/x: no keys/);
  });

  it('reads AO_CODEC_KEYS, or a key file with one entry a line and comments', () => {
    expect(codecKeysFromEnvironment({ AO_CODEC_KEYS: NEW_KEY })!.current.id).toBe('k2');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codec-keys-'));
    try {
      const file = path.join(dir, 'keys');
      fs.writeFileSync(file, `# rotated 2026-11\n${NEW_KEY}\n${OLD_KEY}\n`);
      const keys = codecKeysFromEnvironment({ AO_CODEC_KEY_FILE: file })!;
      expect([keys.current.id, ...keys.byId.keys()]).toEqual(['k2', 'k2', 'k1']);
      expect(() => codecKeysFromEnvironment({ AO_CODEC_KEY_FILE: path.join(dir, 'missing') })).toThrow(
        /AO_CODEC_KEY_FILE: cannot read .*missing/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configures no encryption without keys, and refuses both sources at once', () => {
    expect(codecKeysFromEnvironment({})).toBeUndefined();
    expect(() => codecKeysFromEnvironment({ AO_CODEC_KEYS: NEW_KEY, AO_CODEC_KEY_FILE: '/k' })).toThrow(/not both/);
  });
});
