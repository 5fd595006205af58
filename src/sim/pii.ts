import { Rng } from './prng';

/**
 * Personal data planted where real audits carry it, in every format the masker must catch.
 * Phone numbers of every Genesys region's country, written nationally as that country does and
 * internationally (+, 00, 011), in fictional ranges where the country has one (US/CA 555-01xx,
 * GB 020 7946 0xxx, AU 02 5550 xxxx), otherwise in numbers of no one in particular. E-mail uses
 * reserved example domains; names are the org's users and contacts. No bare digit runs are
 * planted: without a '+', an international or a trunk prefix, or separators, they cannot be
 * told apart from ids and epochs, so a masker is not expected to touch them.
 */
export interface Person {
  first: string;
  last: string;
  /** Canonical lower-case e-mail. */
  email: string;
  phone: WorldPhone;
}

/**
 * A phone number of one country: its national form as the country writes it and its
 * international groups, with `#` standing for the digits of `digits` (the same in both).
 */
export interface WorldPhone {
  country: string;
  /** Country calling code. */
  cc: string;
  national: string;
  /** After the country code, grouped: "20 7946 0###". */
  groups: string;
  digits: string;
  /** North American: written (415) 555-0123 and with dashes and dots too. */
  nanp?: boolean;
}

/** One template per Genesys region country (src/genesys/regions.ts), national and international. */
const TEMPLATES: Array<Omit<WorldPhone, 'digits'>> = [
  { country: 'US', cc: '1', national: '(415) 555-01##', groups: '415 555 01##', nanp: true },
  { country: 'IE', cc: '353', national: '(01) 234 5###', groups: '1 234 5###' },
  { country: 'AU', cc: '61', national: '(02) 5550 1###', groups: '2 5550 1###' },
  { country: 'JP', cc: '81', national: '03-1234-5###', groups: '3 1234 5###' },
  { country: 'DE', cc: '49', national: '030 9018##', groups: '30 9018##' },
  { country: 'CA', cc: '1', national: '(613) 555-01##', groups: '613 555 01##', nanp: true },
  { country: 'KR', cc: '82', national: '02-312-3###', groups: '2 312 3###' },
  { country: 'GB', cc: '44', national: '020 7946 0###', groups: '20 7946 0###' },
  { country: 'IN', cc: '91', national: '022 2345 6###', groups: '22 2345 6###' },
  { country: 'BR', cc: '55', national: '(11) 3456-7###', groups: '11 3456 7###' },
  { country: 'AE', cc: '971', national: '050 123 4###', groups: '50 123 4###' },
  { country: 'CH', cc: '41', national: '044 668 18 ##', groups: '44 668 18 ##' },
  { country: 'MX', cc: '52', national: '55 1234 5###', groups: '55 1234 5###' },
  { country: 'SG', cc: '65', national: '6123 4###', groups: '6123 4###' },
];
export const PHONE_COUNTRIES = TEMPLATES.map((t) => t.country);

/** International (+ and groups), compact E.164, national, after 00 and after 011; then North American styles. */
export const PHONE_FORMATS = ['international', 'e164', 'national', 'idd00', 'idd011', 'dash', 'dot'] as const;
export type PhoneFormat = (typeof PHONE_FORMATS)[number];
export const EMAIL_FORMATS = ['lower', 'upper', 'embedded'] as const;
export type EmailFormat = (typeof EMAIL_FORMATS)[number];

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'corp.example.com'];

/** A number of `country` (a PHONE_COUNTRIES code), its free digits drawn from `rng`. */
export function worldPhone(rng: Rng, country: string): WorldPhone {
  const template = TEMPLATES.find((t) => t.country === country);
  if (template === undefined) throw new Error(`no phone template for ${country}`);
  const free = (template.national.match(/#/g) ?? []).length;
  return { ...template, digits: String(rng.int(10 ** free)).padStart(free, '0') };
}

export function newPerson(rng: Rng, first: string, last: string, index: number): Person {
  const domain = EMAIL_DOMAINS[index % EMAIL_DOMAINS.length];
  const local = index % 5 === 3 ? `${first[0]}${last}${index}` : `${first}.${last}${index >= 24 ? index : ''}`;
  return {
    first,
    last,
    email: `${local}@${domain}`.toLowerCase(),
    phone: worldPhone(rng, PHONE_COUNTRIES[index % PHONE_COUNTRIES.length]),
  };
}

const fill = (template: string, digits: string) => {
  let i = 0;
  return template.replace(/#/g, () => digits[i++]);
};

export function formatPhone(p: WorldPhone, format: PhoneFormat): string {
  const national = fill(p.national, p.digits);
  const groups = fill(p.groups, p.digits);
  switch (format) {
    case 'international':
      return `+${p.cc} ${groups}`;
    case 'e164':
      return `+${p.cc}${groups.replace(/\D/g, '')}`;
    case 'national':
      return national;
    case 'idd00':
      return `00${p.cc} ${groups}`;
    case 'idd011':
      return `011 ${p.cc} ${groups}`;
    case 'dash':
      return p.nanp ? groups.replace(/ /g, '-') : national;
    case 'dot':
      return p.nanp ? groups.replace(/ /g, '.') : national;
  }
}

/** The number in E.164, for tests: what every format of it stands for. */
export function e164(p: WorldPhone): string {
  return formatPhone(p, 'e164');
}

const EMBEDDING = [
  'Contact {} for access',
  'Escalate to {} after hours',
  'Owner: {} (primary)',
  'Shared with {} by request',
];

/** The planted e-mail value and the exact address inside it. */
export function formatEmail(rng: Rng, email: string, format: EmailFormat): { text: string; email: string } {
  if (format === 'upper') return { text: email.toUpperCase(), email: email.toUpperCase() };
  if (format === 'embedded') return { text: rng.pick(EMBEDDING).replace('{}', email), email };
  return { text: email, email };
}

/**
 * Records every value planted on a day, exactly as planted, so a masking test can assert that
 * none of them survives in the lake.
 */
export class PiiRecorder {
  readonly emails = new Set<string>();
  readonly phones = new Set<string>();
  /** Names of people (users, contacts) planted, exactly as planted. */
  readonly names = new Set<string>();

  constructor(private readonly rng: Rng) {}

  phone(person: Person | WorldPhone, format: PhoneFormat = this.rng.pick(PHONE_FORMATS)): string {
    const text = formatPhone('phone' in person ? person.phone : person, format);
    this.phones.add(text);
    return text;
  }

  email(person: Person | string, format: EmailFormat = this.rng.pick(EMAIL_FORMATS)): string {
    const address = typeof person === 'string' ? person : person.email;
    const { text, email } = formatEmail(this.rng, address, format);
    this.emails.add(email);
    return text;
  }

  /** A value already containing PII (a user whose display name is an e-mail address). */
  recordEmail(email: string): void {
    this.emails.add(email);
  }

  /** A person's name, as planted (a user's display name, a contact's name). */
  recordName(name: string): void {
    this.names.add(name);
  }
}
