/** Keys and a buyer for the encryption tests; the keys are generated per run, never stored. */
import { generateCodecKey, parseCodecKeys, type CodecKeyring } from '../../encryption/keys';

export const OLD_KEY = generateCodecKey('k1');
export const NEW_KEY = generateCodecKey('k2');

export const keyring = (...entries: string[]): CodecKeyring => parseCodecKeys(entries.join(','), 'test keys');

export const BUYER = {
  login: 'kupujacy_123',
  email: 'anna.kowalska@example.pl',
  phone: '+48 600 700 800',
  address: { street: 'ul. Długa 5/7', city: 'Gdańsk', zipCode: '80-827' },
  nip: '5261040828',
};
