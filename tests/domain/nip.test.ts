import { generateNip, isValidNip, normaliseNip, validNip } from '../../domain/nip';

test('normalises dashes, spaces and a PL prefix to digits', () => {
  expect(normaliseNip('111-11-11-111')).toBe('1111111111');
  expect(normaliseNip(' PL 526 025 02 74 ')).toBe('5260250274');
});

test('accepts NIPs with a correct check digit, in any common spelling', () => {
  expect(isValidNip('5260250274')).toBe(true);
  expect(isValidNip('PL526-025-02-74')).toBe(true);
  expect(isValidNip('1273168911')).toBe(true); // the sandbox capture's NIP
});

test('refuses a wrong check digit, a wrong length, all zeros and a check sum of 10', () => {
  expect(isValidNip('5260250275')).toBe(false);
  expect(isValidNip('526025027')).toBe(false);
  expect(isValidNip('52602502744')).toBe(false);
  expect(isValidNip('0000000000')).toBe(false);
  // Nine digits whose weighted sum is 10 mod 11 have no check digit: no tenth digit makes them valid.
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  let nine = '';
  for (let n = 100000000; ; n++) {
    const digits = String(n);
    if ([...digits].reduce((s, d, i) => s + Number(d) * weights[i], 0) % 11 === 10) {
      nine = digits;
      break;
    }
  }
  for (let last = 0; last <= 9; last++) expect(isValidNip(nine + String(last))).toBe(false);
});

test('validNip gives the digits of a valid NIP and null otherwise', () => {
  expect(validNip('526-025-02-74')).toBe('5260250274');
  expect(validNip('526-025-02-75')).toBeNull();
  expect(validNip(undefined)).toBeNull();
});

test('generated NIPs are valid, deterministic and differ by seed', () => {
  const nips = Array.from({ length: 200 }, (_, i) => generateNip(i));
  for (const nip of nips) expect(isValidNip(nip)).toBe(true);
  expect(generateNip(42)).toBe(generateNip(42));
  expect(new Set(nips).size).toBe(nips.length);
  // Changing any digit breaks the checksum (single-digit errors are always caught).
  const nip = generateNip(7);
  for (let i = 0; i < 10; i++) {
    const wrong = nip.slice(0, i) + String((Number(nip[i]) + 1) % 10) + nip.slice(i + 1);
    expect(isValidNip(wrong)).toBe(false);
  }
});
