/**
 * The demo's payload encryption: a key kept in the data folder (made on the first start, reused
 * after, so earlier histories stay readable) unless AO_CODEC_KEYS / AO_CODEC_KEY_FILE name one,
 * and a codec server on loopback that the Web UI calls to show the decrypted inputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../encryption/codec';
import { startCodecServer, type RunningCodecServer } from '../../encryption/codec-server';
import { encryptingDataConverter } from '../../encryption/data-converter';
import { codecKeysFromEnvironment, generateCodecKey, parseCodecKeys, type CodecKeyring } from '../../encryption/keys';

export const DEMO_KEY_FILE = 'codec-keys';

export interface DemoCodec {
  dataConverter: DataConverter;
  /** Where the keys came from, for the banner (never the keys). */
  source: string;
  server: RunningCodecServer;
}

function demoKeys(dataDir: string, env: NodeJS.ProcessEnv): { keys: CodecKeyring; source: string } {
  const configured = codecKeysFromEnvironment(env);
  if (configured) return { keys: configured, source: 'AO_CODEC_KEYS / AO_CODEC_KEY_FILE' };
  const file = path.join(dataDir, DEMO_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${generateCodecKey('demo')}\n`, { mode: 0o600 });
  }
  return { keys: parseCodecKeys(fs.readFileSync(file, 'utf8').trim(), file), source: file };
}

export async function startDemoCodec(opts: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The Web UI's port: its origins may call the codec server. */
  uiPort: number;
}): Promise<DemoCodec> {
  const { keys, source } = demoKeys(opts.dataDir, opts.env);
  const server = await startCodecServer({
    codec: new EncryptionCodec(keys),
    corsOrigins: [`http://localhost:${opts.uiPort}`, `http://127.0.0.1:${opts.uiPort}`],
  });
  return { dataConverter: encryptingDataConverter(keys), source, server };
}

/**
 * The key `npm start` made in its default data folder (.data/), for the CLI run beside the demo
 * without AO_CODEC_KEYS; a demo with another --data-dir: AO_CODEC_KEY_FILE=<dir>/codec-keys.
 */
export function demoDataConverter(cwd: string): DataConverter | undefined {
  const file = path.join(cwd, '.data', DEMO_KEY_FILE);
  if (!fs.existsSync(file)) return undefined;
  return encryptingDataConverter(parseCodecKeys(fs.readFileSync(file, 'utf8').trim(), file));
}
