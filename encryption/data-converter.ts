/**
 * What the worker, the clients and the demo pass as `dataConverter` so both ends of every
 * payload agree on encryption. Codecs run outside the workflow sandbox, so node:crypto is fine.
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './codec';
import { codecKeysFromEnvironment, type CodecKeyring } from './keys';

export function encryptingDataConverter(keys: CodecKeyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/** The environment's keys as a DataConverter; undefined (Temporal's default) when no keys are configured. */
export function dataConverterFromEnvironment(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const keys = codecKeysFromEnvironment(env);
  return keys && encryptingDataConverter(keys);
}
