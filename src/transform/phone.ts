/**
 * Finding phone numbers in text, and the normal form they are hashed in, so that one number
 * written in different ways gives one token.
 *
 * Recognized: numbers with a '+' and a country code (+14155550123, +44 20 7946 0958,
 * +44 (0)20 7946 0958, +1-555-123-4567), and North American numbers without one, which need
 * separators: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567, 1-555-123-4567.
 * Not phones, by design: bare digit runs without '+' (epoch millis, numeric ids), UUIDs, dates
 * and times, IPv4 addresses, version strings, durations. National formats other than the North
 * American one (UK 020 7946 0958) are not recognized without their '+'.
 */

const PHONE = new RegExp(
  [
    // '+', a country code, then digit groups joined by single separators or a bracketed group.
    // Not after a word character or '+', so a time's offset (09:44:53+0200) is never one.
    String.raw`(?<![\w+])\+[1-9]\d*(?:[ .-]?\(\d{1,4}\)[ .-]?\d+|[ .-]\d+)*`,
    // North American: 3-3-4 digits with separators, optionally after a trunk 1.
    String.raw`(?<!\d)(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![.-]?\d)`,
  ].join('|'),
  'g',
);

/** Cheap test that `text` could hold a phone number: every pattern above needs one of these. */
export const PHONE_HINT = /\+|\d{3}[ .-]\d{4}/;

const E164_MIN = 7;
const E164_MAX = 15;
/** +1 numbers (North America) always have 11 digits. */
const NANP_LENGTH = 11;

/** Replaces each phone number in `text` with `token(normal form)`, e.g. `+15551234567`. */
export function replacePhones(text: string, token: (normal: string) => string): string {
  PHONE.lastIndex = 0;
  return text.replace(PHONE, (match: string) => {
    if (match.charCodeAt(0) !== 43 /* + */) {
      const digits = match.replace(/\D/g, '');
      return token(`+${digits.length === 10 ? `1${digits}` : digits}`);
    }
    const international = splitInternational(match);
    return international === undefined ? match : token(international.normal) + international.rest;
  });
}

/**
 * The international number at the start of a '+' match and the text after it. A compact number
 * (+14155550123) ends at its first separator; a grouped one takes groups while it stays within
 * E.164's 15 digits (exactly 11 for +1), so `+1 555 123 4567 2021` leaves ` 2021`.
 * "(0)" is the national trunk prefix written inside an international number: not part of it.
 */
function splitInternational(match: string): { normal: string; rest: string } | undefined {
  const groups = match.slice(1).split(/(?=[ .(-])|(?<=\))/);
  let digits = '';
  let end = 1;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    const groupDigits = /^[ .-]?\(0\)$/.test(group) && i > 0 ? '' : group.replace(/\D/g, '');
    if (digits.length + groupDigits.length > E164_MAX) break;
    digits += groupDigits;
    end += group.length;
    if (i === 0 && digits.length >= E164_MIN) break;
    if (digits.length === NANP_LENGTH && digits.charCodeAt(0) === 49 /* 1 */) break;
  }
  if (digits.length < E164_MIN) return undefined;
  return { normal: `+${digits}`, rest: match.slice(end) };
}
