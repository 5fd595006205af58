/**
 * Finding phone numbers in text, and the normal form (E.164, +<country code><number>) they are
 * hashed in, so that one number written in different ways gives one token.
 *
 * Recognized, for every country:
 * - '+' and a country code: +14155550123, +44 20 7946 0958, +44 (0)20 7946 0958, +1-555-123-4567;
 * - the international prefixes 00 and 011 instead of '+': 0049 30 901820, 011 44 20 7946 0958;
 * - North American numbers with separators: (555) 123-4567, 555-123-4567, 1-555-123-4567.
 * For the org's countries (MASK_PHONE_COUNTRIES), national formats too, as each country writes
 * them: 020 7946 0958 (GB), 030 901820 or 030/901820 (DE), 01 23 45 67 89 (FR), (02) 9876 5432
 * (AU), 03-1234-5678 (JP), 55 1234 5678 (MX), 6123 4567 (SG), and a country's own international
 * prefix (0011 in AU, 010 in JP).
 *
 * The world's numbering plans come from libphonenumber-js (Google's metadata, the "max" set):
 * a national or 00/011 candidate is a phone only when the library finds it valid for a country,
 * and a national one only when written with that country's digits (trunk prefix included: "20
 * 7946 0958" is no GB number, "020 7946 0958" is). '+' and North American forms are recognized by
 * their shape alone, as before, so numbers in fictional ranges (555) are masked too.
 *
 * Not phones, by design: bare digit runs that start with neither '+', 00/011 nor a trunk 0
 * (epoch millis, numeric ids), UUIDs, dates, times, IPv4 addresses, version strings, durations,
 * amounts with thousands separators.
 *
 * Cost: a regex finds candidates (most strings have none and never get here: PHONE_HINT); only a
 * candidate of the right shape is handed to the library, and results are cached per text.
 */
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** What precedes the hex of a token of ours (`phone#<key id>:`, `person#<key id>:`; see mask.ts). */
const TOKEN_KEY_ID = String.raw`#[0-9a-f]{8}:`;

const CANDIDATE = new RegExp(
  [
    // 1. '+', a country code, then digit groups joined by single separators or a bracketed group.
    // Not after a word character or '+', so a time's offset (09:44:53+0200) is never one. At most
    // 15 groups: E.164 has 15 digits, and a long run of groups is not read twice.
    String.raw`(?<![\w+])\+[1-9]\d*(?:[ .-]?\(\d{1,4}\)[ .-]?\d+|[ .-]\d+){0,15}`,
    // 2. North American: 3-3-4 digits with separators, optionally after a trunk 1; area codes start 2-9.
    String.raw`(?<!\d)(?:1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}(?![.-]?\d)`,
    // 3. Digit groups (national or 00/011 international), an optional bracketed first group, single
    // separators. Not inside a word or a longer number (2021-05-31, 1.2.3, 10:30), not followed by
    // more of one, not the first group of a hyphenated id (a UUID's 02024529-ca9a-...), and not the
    // hex of our own tokens (person#1a2b3c4d:0811480633109054 is a name's token, not a number).
    String.raw`(?<![\w+]|\d[.,:/-]|[.,/-]|${TOKEN_KEY_ID})(?:\(\d{1,5}\)[ .-]?\d+|\d+)(?:[ ./-]\d+){0,6}(?![\w]|[.,:/-]?\d|[-_][A-Za-z])`,
  ].join('|'),
  'g',
);

/**
 * Cheap test that `text` could hold a phone number: every candidate above needs one of these
 * ('+'; 3 and 4 digits around a separator; or a 0 that starts a number with 6 more digits or separators).
 */
export const PHONE_HINT = new RegExp(String.raw`\+|\d{3}[ .\-/]\d{4}|(?<!\d|${TOKEN_KEY_ID})0\d[\d ./)-]{5}`);

const E164_MIN = 7;
const E164_MAX = 15;
/** +1 numbers (North America) always have 11 digits. */
const NANP_LENGTH = 11;
/** A national number, trunk prefix included, or one after 00/011. */
const NATIONAL_MIN = 7;
const NATIONAL_MAX = 17;
const CACHE_SIZE = 10_000;
const MOBILE_WITHOUT_TRUNK_MIN = 10;

// Shapes of digit groups that are something else.
const DATE = /^(?:\d{4}([./-])\d{1,2}\1\d{1,2}|\d{1,2}([./-])\d{1,2}\2(?:\d{2}|\d{4}))$/;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const THOUSANDS = /^\d{1,3}(?:([ .,])\d{3})(?:\1\d{3})*$/;
const IDD = /^(?:00|011)(?=[ .-]?[1-9])/;

/** The countries whose phones are recognized in national format. */
export type PhoneCountries = readonly string[];

/** A phone found: its normal form and how many characters of the candidate it spans. */
interface Found {
  normal: string;
  length: number;
}

export class PhoneFinder {
  /** The org's countries, in order, North America aside. */
  readonly #countries: CountryCode[];
  readonly #cache = new Map<string, Found | null>();

  constructor(countries: PhoneCountries) {
    const codes = countries.map((c) => {
      if (!isSupportedCountry(c)) throw new RangeError(`not a country with a numbering plan: ${c}`);
      return c;
    });
    // North American numbers are recognized by their shape (pattern 2), for every org.
    this.#countries = codes.filter((c) => !NANP_COUNTRIES.has(c));
  }

  /** Replaces each phone number in `text` with `token(normal form)`, e.g. `+15551234567`. */
  replace(text: string, token: (normal: string) => string): string {
    CANDIDATE.lastIndex = 0;
    let out = '';
    let copied = 0;
    let m: RegExpExecArray | null;
    while ((m = CANDIDATE.exec(text)) !== null) {
      const match = m[0];
      const found = this.#find(match);
      if (found === null) {
        // Let a number that starts after the first group be found ("ref 12 030 901820"), when
        // enough digits follow for one.
        const first = /^\(?\d+\)?/.exec(match)?.[0] ?? match.charAt(0);
        const after = match.slice(first.length);
        CANDIDATE.lastIndex = m.index + (after.replace(/\D/g, '').length >= NATIONAL_MIN ? first.length : match.length);
        continue;
      }
      out += text.slice(copied, m.index) + token(found.normal);
      copied = m.index + found.length;
      CANDIDATE.lastIndex = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  #find(match: string): Found | null {
    let found = this.#cache.get(match);
    if (found === undefined) {
      found = this.#classify(match);
      if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
      this.#cache.set(match, found);
    }
    return found;
  }

  #classify(match: string): Found | null {
    const first = match.charCodeAt(0);
    if (first === 43 /* + */) return international(match, 1, false);
    if (NANP_SHAPE.test(match)) {
      const digits = match.replace(/\D/g, '');
      return { normal: `+${digits.length === 10 ? `1${digits}` : digits}`, length: match.length };
    }
    const digits = match.replace(/\D/g, '');
    if (digits.length < NATIONAL_MIN || digits.length > NATIONAL_MAX) return null;
    const idd = IDD.exec(match);
    if (idd !== null) {
      const found = international(match, idd[0].length, true);
      if (found !== null) return found;
    }
    return this.#national(match);
  }

  /** A national number (or one after a country's own international prefix) of the org's countries. */
  #national(match: string): Found | null {
    if (DATE.test(match) || DOTTED_QUAD.test(match) || THOUSANDS.test(match)) return null;
    // A bare digit run is an id or a count, unless a trunk 0 says it is dialled.
    if (!/^\(?0/.test(match) && !/\D/.test(match)) return null;
    const countries = this.#countries;
    if (countries.length === 0) return null;
    // The whole candidate first, then without its last space-separated groups ("020 7946 0958 2021").
    for (let end = match.length; end > 0; end = match.lastIndexOf(' ', end - 1)) {
      const span = match.slice(0, end);
      const digits = span.replace(/\D/g, '');
      if (digits.length < NATIONAL_MIN) break;
      if (digits.length > NATIONAL_MAX) continue;
      for (const country of countries) {
        const phone = parsePhoneNumberFromString(span, country);
        if (phone !== undefined && phone.isValid() && writtenAsDialled(phone, digits))
          return { normal: phone.number, length: end };
      }
    }
    return null;
  }
}

const NANP_COUNTRIES = new Set<CountryCode>([
  'US',
  'CA',
  'AG',
  'AI',
  'AS',
  'BB',
  'BM',
  'BS',
  'DM',
  'DO',
  'GD',
  'GU',
  'JM',
  'KN',
  'KY',
  'LC',
  'MP',
  'MS',
  'PR',
  'SX',
  'TC',
  'TT',
  'VC',
  'VG',
  'VI',
]);
const NANP_SHAPE = /^(?:1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}$/;

/**
 * The digits as written are the number as its country dials it: its national format's digits
 * (trunk prefix and all: "20 7946 0958" is no GB number), the country code and number after the
 * country's own international prefix, or a mobile number of 10 digits or more without its trunk
 * prefix, as India writes them (98765 43210).
 */
function writtenAsDialled(phone: PhoneNumber, digits: string): boolean {
  if (phone.formatNational().replace(/\D/g, '') === digits) return true;
  const international = `${phone.countryCallingCode}${phone.nationalNumber}`;
  if (digits.endsWith(international) && digits.length > international.length) return true;
  return digits === phone.nationalNumber && digits.length >= MOBILE_WITHOUT_TRUNK_MIN && phone.getType() === 'MOBILE';
}

/**
 * The international number in `match` after its prefix ('+', 00 or 011, `prefixLength`
 * characters) and how far it reaches. A compact number (+14155550123) ends at its first
 * separator; a grouped one takes groups while it stays within E.164's 15 digits (exactly 11 for
 * +1), preferring the longest run of groups the numbering plans call valid, so
 * `+1 555 123 4567 2021` and `+49 30 901820 2021` leave ` 2021`. "(0)" is the national trunk
 * prefix written inside an international number: not part of it. After 00/011 (`strict`), the
 * number must be valid, or at least possible, for its country.
 */
function international(match: string, prefixLength: number, strict: boolean): Found | null {
  const groups = match.slice(prefixLength).split(/(?=[ .(-])|(?<=\))/);
  // The digits and the end (in match) of each run of groups from the first.
  const runs: Array<{ digits: string; end: number }> = [];
  let digits = '';
  let end = prefixLength;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    const groupDigits = /^[ .-]?\(0\)$/.test(group) && i > 0 ? '' : group.replace(/\D/g, '');
    if (digits.length + groupDigits.length > E164_MAX) break;
    digits += groupDigits;
    end += group.length;
    runs.push({ digits, end });
    if (i === 0 && digits.length >= E164_MIN) break;
    if (digits.length === NANP_LENGTH && digits.charCodeAt(0) === 49 /* 1 */) break;
  }
  const candidates = runs.filter((r) => r.digits.length >= E164_MIN);
  if (candidates.length === 0) return null;
  const longest = candidates[candidates.length - 1];
  // +1 and compact numbers: their extent is certain without the numbering plans.
  if (!strict && (candidates.length === 1 || longest.digits.charCodeAt(0) === 49))
    return { normal: `+${longest.digits}`, length: longest.end };
  for (let i = candidates.length - 1; i >= 0; i--) {
    const phone = parsePhoneNumberFromString(`+${candidates[i].digits}`);
    if (phone !== undefined && phone.isValid()) return { normal: phone.number, length: candidates[i].end };
  }
  if (!strict) return { normal: `+${longest.digits}`, length: longest.end };
  const possible = parsePhoneNumberFromString(`+${longest.digits}`);
  return possible !== undefined && possible.isPossible() ? { normal: possible.number, length: longest.end } : null;
}
