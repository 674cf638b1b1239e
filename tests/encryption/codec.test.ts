import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import {
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA_KEY,
  PayloadDecryptionError,
} from '../../encryption/codec';
import { dataConverterFromEnvironment, encryptingDataConverter } from '../../encryption/data-converter';
import { BUYER, keyring, NEW_KEY, OLD_KEY } from './fixtures';

const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);
const metadataText = (payload: Payload, key: string) => Buffer.from(payload.metadata![key]).toString();

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(keyring(OLD_KEY));

  it('round-trips values, metadata included', async () => {
    const values = [BUYER, 'Anna', 42, null, [1, 2]];
    const encoded = await codec.encode(values.map(toPayload));
    const decoded = await codec.decode(encoded);
    expect(decoded.map(fromPayload)).toEqual(values);
    expect(metadataText(decoded[0], METADATA_ENCODING_KEY)).toBe('json/plain');
  });

  it('leaves neither the e-mail nor the NIP readable, and marks the encoding and key id', async () => {
    const [encrypted] = await codec.encode([toPayload(BUYER)]);
    expect(metadataText(encrypted, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
    expect(metadataText(encrypted, KEY_ID_METADATA_KEY)).toBe('k1');
    const raw = Buffer.from(encrypted.data!);
    for (const secret of [BUYER.email, BUYER.nip, BUYER.phone, 'json/plain']) {
      expect(raw.includes(secret)).toBe(false);
      expect(raw.toString('base64')).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });

  it('uses a fresh IV per payload, so equal values encrypt differently', async () => {
    const [a, b] = await codec.encode([toPayload(BUYER), toPayload(BUYER)]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  it('after a rotation decodes the old key payloads and encrypts new ones with the new key', async () => {
    const [old] = await codec.encode([toPayload(BUYER)]);
    const rotated = new EncryptionCodec(keyring(NEW_KEY, OLD_KEY));
    expect((await rotated.decode([old])).map(fromPayload)).toEqual([BUYER]);
    const [fresh] = await rotated.encode([toPayload(BUYER)]);
    expect(metadataText(fresh, KEY_ID_METADATA_KEY)).toBe('k2');
    await expect(codec.decode([fresh])).rejects.toThrow(/key id "k2"/);
  });

  it('fails on an unknown key id with an error naming it', async () => {
    const [fresh] = await new EncryptionCodec(keyring(NEW_KEY)).encode([toPayload(BUYER)]);
    const error: unknown = await codec.decode([fresh]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as Error).message).toBe(
      'Payload encrypted with key id "k2", which is not among the configured keys (k1); add it back to AO_CODEC_KEYS',
    );
  });

  it('rejects altered ciphertext and a payload relabelled with another key id', async () => {
    const both = new EncryptionCodec(keyring(NEW_KEY, OLD_KEY));
    const [sealed] = await both.encode([toPayload(BUYER)]);
    const flipped = Buffer.from(sealed.data!);
    flipped[20] ^= 1;
    await expect(both.decode([{ ...sealed, data: flipped }])).rejects.toThrow(/fails authentication/);
    const relabelled = { ...sealed, metadata: { ...sealed.metadata, [KEY_ID_METADATA_KEY]: Buffer.from('k1') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/key id "k1"\) fails authentication/);
  });

  it('passes payloads that were never encrypted through decode unchanged', async () => {
    const plain = [toPayload(BUYER), toPayload(undefined), { metadata: {}, data: new Uint8Array([1]) }];
    expect(await codec.decode(plain)).toEqual(plain);
  });
});

describe('the data converter for workers and clients', () => {
  it('carries the encryption codec', async () => {
    const [codec] = encryptingDataConverter(keyring(OLD_KEY)).payloadCodecs!;
    const [encrypted] = await codec.encode([toPayload(BUYER)]);
    expect(metadataText(encrypted, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
  });

  it('comes from the environment, and is absent when no keys are configured', () => {
    expect(dataConverterFromEnvironment({ AO_CODEC_KEYS: NEW_KEY })!.payloadCodecs![0]).toBeInstanceOf(EncryptionCodec);
    expect(dataConverterFromEnvironment({})).toBeUndefined();
  });
});
