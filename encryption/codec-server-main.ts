/**
 * `npm run codec-server`: the codec server for the Temporal Web UI and CLI, configured from
 * the environment (the same AO_CODEC_KEYS / AO_CODEC_KEY_FILE the worker uses):
 *   AO_CODEC_SERVER_HOST   default 127.0.0.1
 *   AO_CODEC_SERVER_PORT   default 8888
 *   AO_CODEC_UI_ORIGINS    comma-separated Web UI origins, default http://localhost:8233
 *   AO_CODEC_SERVER_TOKEN  when set, callers must send "Authorization: Bearer <token>"
 */
import { EncryptionCodec } from './codec';
import { DEFAULT_UI_ORIGIN, startCodecServer } from './codec-server';
import { codecKeysFromEnvironment } from './keys';

function port(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 8888;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new Error(`AO_CODEC_SERVER_PORT must be a port number, got "${value}"`);
  }
  return parsed;
}

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const keys = codecKeysFromEnvironment(env);
  if (!keys) throw new Error('No keys: set AO_CODEC_KEYS or AO_CODEC_KEY_FILE (npm run codec-key makes one)');
  const corsOrigins = (env.AO_CODEC_UI_ORIGINS ?? DEFAULT_UI_ORIGIN)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const bearerToken = env.AO_CODEC_SERVER_TOKEN?.trim() || undefined;
  const server = await startCodecServer({
    codec: new EncryptionCodec(keys),
    corsOrigins,
    bearerToken,
    host: env.AO_CODEC_SERVER_HOST?.trim() || '127.0.0.1',
    port: port(env.AO_CODEC_SERVER_PORT),
  });
  // The token itself stays out of the output; the hint names the variable that holds it.
  const auth = bearerToken ? ' --codec-auth "Bearer $AO_CODEC_SERVER_TOKEN"' : '';
  console.log(
    [
      `Codec server listening on ${server.url} (keys: ${[...keys.byId.keys()].join(', ')}; current: ${keys.current.id})`,
      `Web UI origins allowed: ${corsOrigins.join(', ')}`,
      'Decode with the CLI:',
      `  temporal workflow show --workflow-id <id> --codec-endpoint ${server.url}${auth}`,
      'Decode in the Web UI of a dev server:',
      `  temporal server start-dev --ui-codec-endpoint ${server.url}`,
      '(or set it in the Web UI under the data encoder settings)',
    ].join('\n'),
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
