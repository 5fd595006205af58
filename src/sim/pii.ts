import { Rng } from './prng';

/**
 * Personal data planted where real audits carry it, in every format the masker must catch.
 * Numbers use fictional ranges (US 555-01xx, UK Ofcom drama 020 7946 0xxx) and e-mail uses
 * reserved example domains. No bare digit runs are planted: without a '+' or separators they
 * cannot be told apart from ids and epochs, so a masker is not expected to touch them.
 */
export interface Person {
  first: string;
  last: string;
  /** Canonical lower-case e-mail. */
  email: string;
  /** US or UK subscriber number, as digits (without country code). */
  phone: { country: 'US' | 'UK'; area: string; line: string };
}

export const PHONE_FORMATS = ['e164', 'paren', 'dash', 'dot', 'spaced'] as const;
export type PhoneFormat = (typeof PHONE_FORMATS)[number];
export const EMAIL_FORMATS = ['lower', 'upper', 'embedded'] as const;
export type EmailFormat = (typeof EMAIL_FORMATS)[number];

const US_AREAS = ['415', '212', '555', '312', '617', '206'];
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'corp.example.com'];

export function newPerson(rng: Rng, first: string, last: string, index: number): Person {
  const domain = EMAIL_DOMAINS[index % EMAIL_DOMAINS.length];
  const local = index % 5 === 3 ? `${first[0]}${last}${index}` : `${first}.${last}${index >= 24 ? index : ''}`;
  const uk = index % 4 === 1;
  return {
    first,
    last,
    email: `${local}@${domain}`.toLowerCase(),
    phone: uk
      ? { country: 'UK', area: '20', line: `79460${String(rng.int(1000)).padStart(3, '0')}` }
      : { country: 'US', area: rng.pick(US_AREAS), line: `55501${String(rng.int(100)).padStart(2, '0')}` },
  };
}

export function formatPhone(p: Person['phone'], format: PhoneFormat): string {
  if (p.country === 'UK') {
    // +44 20 7946 0958 / +442079460958; the domestic formats below are US-style only.
    const a = p.area;
    const l = p.line;
    return format === 'spaced' || format === 'paren' ? `+44 ${a} ${l.slice(0, 4)} ${l.slice(4)}` : `+44${a}${l}`;
  }
  const a = p.area;
  const x = p.line.slice(0, 3);
  const n = p.line.slice(3);
  switch (format) {
    case 'e164':
      return `+1${a}${x}${n}`;
    case 'paren':
      return `(${a}) ${x}-${n}`;
    case 'dash':
      return `${a}-${x}-${n}`;
    case 'dot':
      return `${a}.${x}.${n}`;
    case 'spaced':
      return `+1 ${a} ${x} ${n}`;
  }
}

const EMBEDDING = ['Contact {} for access', 'Escalate to {} after hours', 'Owner: {} (primary)', 'Shared with {} by request'];

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

  constructor(private readonly rng: Rng) {}

  phone(person: Person, format: PhoneFormat = this.rng.pick(PHONE_FORMATS)): string {
    const text = formatPhone(person.phone, format);
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
}
