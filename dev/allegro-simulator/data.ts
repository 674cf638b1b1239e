/**
 * Invented but realistic buyer data for the simulator: Polish (and some Czech and Slovak)
 * names, streets, cities and companies, with diacritics, because the integrator must carry
 * them into Optima intact. No real person or company is meant.
 */
import type { Rng } from './rng';

export type MarketplaceId = 'allegro-pl' | 'allegro-cz' | 'allegro-sk' | 'allegro-hu';

interface Country {
  countryCode: string;
  language: string;
  currency: string;
  /** The standard VAT rate an OSS seller sets in the offer's tax settings for this marketplace. */
  vatRate: string;
  /** [male, female] first names and [male form, female form] surnames. */
  firstNames: readonly (readonly [string, string])[];
  lastNames: readonly (readonly [string, string])[];
  cities: readonly (readonly [city: string, zipPrefix: string])[];
  streets: readonly string[];
  phonePrefix: string;
  companySuffixes: readonly string[];
  messages: readonly string[];
}

const PL: Country = {
  countryCode: 'PL',
  language: 'pl-PL',
  currency: 'PLN',
  vatRate: '23.00',
  firstNames: [
    ['Łukasz', 'Małgorzata'],
    ['Paweł', 'Agnieszka'],
    ['Michał', 'Katarzyna'],
    ['Grzegorz', 'Żaneta'],
    ['Krzysztof', 'Jolanta'],
    ['Wojciech', 'Bożena'],
    ['Jędrzej', 'Ewa'],
    ['Mikołaj', 'Joanna'],
    ['Przemysław', 'Dorota'],
    ['Zbigniew', 'Urszula'],
    ['Tomasz', 'Halina'],
    ['Marcin', 'Anna'],
  ],
  lastNames: [
    ['Kowalski', 'Kowalska'],
    ['Wiśniewski', 'Wiśniewska'],
    ['Wójcik', 'Wójcik'],
    ['Kamiński', 'Kamińska'],
    ['Zieliński', 'Zielińska'],
    ['Dąbrowski', 'Dąbrowska'],
    ['Kozłowski', 'Kozłowska'],
    ['Woźniak', 'Woźniak'],
    ['Gołębiowski', 'Gołębiowska'],
    ['Łukaszewicz', 'Łukaszewicz'],
    ['Żak', 'Żak'],
    ['Ślusarczyk', 'Ślusarczyk'],
    ['Nowak', 'Nowak'],
    ['Pawłowski', 'Pawłowska'],
    ['Michalski', 'Michalska'],
  ],
  cities: [
    ['Kraków', '30-'],
    ['Łódź', '90-'],
    ['Gdańsk', '80-'],
    ['Wrocław', '50-'],
    ['Poznań', '60-'],
    ['Warszawa', '02-'],
    ['Białystok', '15-'],
    ['Rzeszów', '35-'],
    ['Zielona Góra', '65-'],
    ['Bielsko-Biała', '43-'],
    ['Częstochowa', '42-'],
    ['Szczecin', '70-'],
    ['Toruń', '87-'],
    ['Świdnica', '58-'],
    ['Żywiec', '34-'],
    ['Ełk', '19-'],
  ],
  streets: [
    'Świętokrzyska',
    'Żeromskiego',
    'Łąkowa',
    'Marszałkowska',
    'Piłsudskiego',
    'Mickiewicza',
    'Źródlana',
    'Kościuszki',
    'Słoneczna',
    'Chełmońskiego',
    'Gałczyńskiego',
    'Nadwiślańska',
    'Żółkiewskiego',
    'Reymonta',
    'os. Tysiąclecia',
    'al. Jana Pawła II',
  ],
  phonePrefix: '+48',
  companySuffixes: ['Sp. z o.o.', 'S.A.', 's.c.', 'Sp. j.', 'Sp. k.'],
  messages: [
    'Proszę o wysyłkę jeszcze dziś, to prezent urodzinowy.',
    'Proszę dzwonić przed doręczeniem, domofon nie działa.',
    'Czy można zapakować na prezent? Dziękuję!',
    'Faktura na firmę, dane podałem w formularzu.',
    'Proszę nie wkładać paragonu do paczki.',
    'Jeśli można, proszę wysłać razem z poprzednim zamówieniem.',
    'Kolor szary, jeżeli jest wybór 😊',
  ],
};

const CZ: Country = {
  countryCode: 'CZ',
  language: 'cs-CZ',
  currency: 'CZK',
  vatRate: '21.00',
  firstNames: [
    ['Jiří', 'Jana'],
    ['Tomáš', 'Kateřina'],
    ['Lukáš', 'Lenka'],
    ['Petr', 'Hana'],
  ],
  lastNames: [
    ['Novák', 'Nováková'],
    ['Dvořák', 'Dvořáková'],
    ['Černý', 'Černá'],
    ['Procházka', 'Procházková'],
    ['Kučera', 'Kučerová'],
  ],
  cities: [
    ['Praha', '110 '],
    ['Brno', '602 '],
    ['Ostrava', '702 '],
    ['Plzeň', '301 '],
    ['České Budějovice', '370 '],
  ],
  streets: ['Náměstí Míru', 'Vinohradská', 'Husova', 'Masarykova', 'Žižkova', 'Křižíkova'],
  phonePrefix: '+420',
  companySuffixes: ['s.r.o.', 'a.s.'],
  messages: ['Prosím o rychlé odeslání, děkuji.', 'Prosím zavolat před doručením.'],
};

const SK: Country = {
  countryCode: 'SK',
  language: 'sk-SK',
  currency: 'EUR',
  vatRate: '23.00',
  firstNames: [
    ['Ľubomír', 'Mária'],
    ['Peter', 'Zuzana'],
    ['Ján', 'Katarína'],
    ['Martin', 'Ľudmila'],
  ],
  lastNames: [
    ['Horváth', 'Horváthová'],
    ['Kováč', 'Kováčová'],
    ['Varga', 'Vargová'],
    ['Tóth', 'Tóthová'],
  ],
  cities: [
    ['Bratislava', '811 '],
    ['Košice', '040 '],
    ['Žilina', '010 '],
    ['Banská Bystrica', '974 '],
  ],
  streets: ['Štúrova', 'Hlavná', 'Obchodná', 'Šafárikova', 'Námestie SNP', 'Ružová'],
  phonePrefix: '+421',
  companySuffixes: ['s.r.o.', 'a.s.'],
  messages: ['Prosím o zabalenie ako darček, ďakujem.'],
};

const HU: Country = {
  countryCode: 'HU',
  language: 'hu-HU',
  currency: 'HUF',
  vatRate: '27.00',
  firstNames: [
    ['László', 'Mária'],
    ['István', 'Erzsébet'],
    ['Gábor', 'Katalin'],
    ['Zoltán', 'Éva'],
  ],
  // Hungarian surnames do not change with gender.
  lastNames: [
    ['Nagy', 'Nagy'],
    ['Kovács', 'Kovács'],
    ['Szabó', 'Szabó'],
    ['Horváth', 'Horváth'],
    ['Tóth', 'Tóth'],
  ],
  cities: [
    ['Budapest', '10'],
    ['Debrecen', '40'],
    ['Szeged', '67'],
    ['Győr', '90'],
  ],
  streets: ['Andrássy út', 'Rákóczi út', 'Kossuth Lajos utca', 'Petőfi Sándor utca', 'Fő utca'],
  phonePrefix: '+36',
  companySuffixes: ['Kft.', 'Zrt.'],
  messages: ['Kérem, csomagolja ajándéknak, köszönöm.'],
};

export const COUNTRIES: Record<MarketplaceId, Country> = {
  'allegro-pl': PL,
  'allegro-cz': CZ,
  'allegro-sk': SK,
  'allegro-hu': HU,
};

/**
 * Offer and delivery prices on the foreign marketplaces, from the PLN price at a fixed
 * rate (Allegro keeps a separate price per marketplace). CZK prices are whole crowns, as
 * Allegro requires, and HUF whole forints; amounts stay integer minor units throughout.
 */
export function priceOnMarketplace(plnMinor: number, marketplace: MarketplaceId): number {
  if (marketplace === 'allegro-cz') return Math.round((plnMinor * 59) / 1000) * 100; // 1 PLN ≈ 5.90 CZK
  if (marketplace === 'allegro-sk') return Math.round((plnMinor * 2346) / 10000); // 1 PLN ≈ 0.2346 EUR
  if (marketplace === 'allegro-hu') return Math.round((plnMinor * 91) / 100) * 100; // 1 PLN ≈ 91 HUF, whole forints
  return plnMinor;
}

export interface Person {
  firstName: string;
  lastName: string;
}

export function person(rng: Rng, country: Country): Person {
  const female = rng.chance(0.5) ? 1 : 0;
  return { firstName: rng.pick(country.firstNames)[female], lastName: rng.pick(country.lastNames)[female] };
}

export interface Address {
  street: string;
  city: string;
  zipCode: string;
  countryCode: string;
}

export function address(rng: Rng, country: Country): Address {
  const [city, zipPrefix] = rng.pick(country.cities);
  const number = rng.int(1, 180);
  const street = rng.pick(country.streets);
  const flat = rng.chance(0.4) ? rng.pick([`/${rng.int(1, 60)}`, ` / ${rng.int(1, 60)}`, ` m. ${rng.int(1, 60)}`]) : '';
  const zipCode = zipPrefix.endsWith('-') ? `${zipPrefix}${rng.digits(3)}` : `${zipPrefix}${rng.digits(2)}`;
  return {
    street: `${rng.chance(0.3) && country === PL ? 'ul. ' : ''}${street} ${number}${rng.chance(0.1) ? 'A' : ''}${flat}`,
    city,
    zipCode,
    countryCode: country.countryCode,
  };
}

/** Phone numbers as buyers type them: with or without spaces and the country prefix. */
export function phone(rng: Rng, country: Country): string {
  const digits = `${rng.int(5, 8)}${rng.digits(8)}`;
  return rng.pick([
    `${country.phonePrefix} ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`,
    `${country.phonePrefix}${digits}`,
    digits,
  ]);
}

export function companyName(rng: Rng, country: Country, owner: Person): string {
  if (country !== PL) return `${owner.lastName} ${rng.pick(country.companySuffixes)}`;
  const word = rng.pick(['Żuraw', 'Łoś', 'Sokół', 'Jaśmin', 'Bursztyn', 'Wiśnia', 'Zorza', 'Dębina']);
  return rng.pick([
    `${owner.lastName} ${rng.pick(country.companySuffixes)}`,
    `PHU ${owner.firstName} ${owner.lastName}`,
    `Usługi Remontowe ${owner.lastName}`,
    `Firma Handlowa „${word}” ${rng.pick(country.companySuffixes)}`,
    `${word}-Trans Sp. z o.o.`,
    `Zakład Stolarski ${owner.lastName}`,
    `Biuro Rachunkowe ${owner.firstName} ${owner.lastName}`,
  ]);
}

/** A valid Polish NIP: 9 digits (tax office code first, not 0) + mod-11 check digit ≠ 10. */
export function polishNip(rng: Rng): string {
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  for (;;) {
    const digits = [rng.int(1, 9), ...Array.from({ length: 8 }, () => rng.int(0, 9))];
    const check = digits.reduce((sum, d, i) => sum + d * weights[i], 0) % 11;
    if (check !== 10) return [...digits, check].join('');
  }
}

/** A Czech or Slovak IČO: 7 digits + mod-11 check digit (weights 8…2). */
export function companyRegNumber(rng: Rng): string {
  const digits = Array.from({ length: 7 }, () => rng.int(0, 9));
  const sum = digits.reduce((s, d, i) => s + d * (8 - i), 0);
  return [...digits, (11 - (sum % 11)) % 10].join('');
}

/** A Slovak IČ DPH: SK + 10 digits divisible by 11. */
export function slovakVatId(rng: Rng): string {
  const n = rng.int(2_000_000_000, 2_099_999_999);
  return `SK${n - (n % 11)}`;
}

/** A Hungarian adószám as typed: 8 digits, the VAT code, the county code. */
export function hungarianTaxNumber(rng: Rng): string {
  return `${rng.digits(8)}-${rng.int(1, 5)}-${String(rng.int(2, 44)).padStart(2, '0')}`;
}

/** Allegro-style logins; guests get the "Client:<digits>" form. */
export function login(rng: Rng, who: Person): string {
  const ascii = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ł/g, 'l')
      .replace(/Ł/g, 'L')
      .replace(/[^A-Za-z]/g, '');
  return rng.pick([
    `${ascii(who.firstName).toLowerCase()}_${ascii(who.lastName).toLowerCase()}${rng.int(1, 99)}`,
    `${ascii(who.firstName)}${ascii(who.lastName).slice(0, 1)}${rng.int(1970, 2005)}`,
    `${ascii(who.lastName).toLowerCase()}.${rng.alnum(3, 'abcdefghijklmnopqrstuvwxyz')}`,
  ]);
}

export interface PickupPointTemplate {
  id: string;
  name: string;
  description: string | null;
}

/** Pickup points by delivery method name (InPost lockers, Allegro One Box machines). */
export function pickupPoint(rng: Rng, methodName: string, city: string): PickupPointTemplate {
  const code = city
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .slice(0, 3)
    .toUpperCase();
  if (methodName.includes('InPost')) {
    const id = `${code}${String(rng.int(1, 99)).padStart(2, '0')}${rng.pick(['M', 'A', 'N', 'APP'])}`;
    return {
      id,
      name: `Paczkomat ${id}`,
      description: rng.pick(['Przy sklepie Żabka', 'Stacja paliw Orlen', 'Obok wejścia do Biedronki', null]),
    };
  }
  return {
    id: `AL${rng.digits(3)}${code}`,
    name: 'Allegro One Box, zielony automat',
    description: rng.pick([null, 'Parking przy galerii handlowej', 'Obok przychodni']),
  };
}
