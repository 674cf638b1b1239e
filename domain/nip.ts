/**
 * Polish tax id (NIP): 10 digits, the last one a weighted mod-11 check digit.
 * Allegro passes it as the buyer typed it ("111-11-11-111", "PL 5260250274"), so it is
 * normalised to digits before any comparison with Optima's Knt_Nip.
 */

const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/** Digits only, without a leading PL country prefix. Not validated. */
export function normaliseNip(raw: string): string {
  return raw.trim().replace(/^PL/i, '').replace(/\D/g, '');
}

/** The check digit for the first nine digits, or null when none exists (mod 11 = 10). */
function checkDigit(nineDigits: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * WEIGHTS[i];
  const check = sum % 11;
  return check === 10 ? null : check;
}

/** True when `raw` normalises to 10 digits with a correct check digit (and is not all zeros). */
export function isValidNip(raw: string): boolean {
  const nip = normaliseNip(raw);
  if (!/^\d{10}$/.test(nip) || /^0+$/.test(nip)) return false;
  return checkDigit(nip) === Number(nip[9]);
}

/** The normalised NIP when valid, else null. */
export function validNip(raw: string | null | undefined): string | null {
  if (!raw) return null;
  return isValidNip(raw) ? normaliseNip(raw) : null;
}

/**
 * A valid NIP derived from a seed (deterministic), for simulators and tests.
 * The first three digits (tax office code) never start with 0, as real ones do not.
 */
export function generateNip(seed: number): string {
  let state = (Math.abs(Math.trunc(seed)) % 2147483647) + 1;
  for (;;) {
    let digits = '';
    for (let i = 0; i < 9; i++) {
      state = (state * 48271) % 2147483647; // Park–Miller: small, deterministic, no Math.random
      digits += i === 0 ? String(1 + (state % 9)) : String(state % 10);
    }
    const check = checkDigit(digits);
    if (check !== null) return digits + String(check);
  }
}
