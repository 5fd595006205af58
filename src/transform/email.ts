/**
 * Emails anywhere in a string become `***@domain` (domain lower-cased; the domain is what the
 * checks group by, the mailbox is the person).
 *
 * Each '@' is found with indexOf and the local part is scanned backwards, so the work is linear in
 * the string's length: a regex with an open-ended local part backtracks quadratically on a long
 * token with a stray '@'. The local part is generous (any run of characters that are not spaces
 * or delimiters, non-ASCII included): masking a few characters too many beats leaking a few.
 */

// A domain of dot-separated labels ending in a label that starts with a letter (so `pkg@1.2.3` is
// no email). Sticky: matched exactly at the character after the '@'.
const DOMAIN = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}(?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?/uy;
const SPACE = /\s/;

// ASCII characters that end a local part, besides spaces and control characters.
const DELIMITERS = '@<>()[]{}\\,;:"=?&/|`';
const ASCII_LOCAL = new Uint8Array(128);
for (let c = 33; c < 127; c++) ASCII_LOCAL[c] = DELIMITERS.includes(String.fromCharCode(c)) ? 0 : 1;

function isLocalChar(code: number): boolean {
  if (code < 128) return ASCII_LOCAL[code] === 1;
  return !SPACE.test(String.fromCharCode(code));
}

export function maskEmails(text: string): string {
  let at = text.indexOf('@');
  if (at < 0) return text;
  let out = '';
  let copied = 0; // text before this index is already in `out`
  while (at >= 0) {
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text);
    let start = at;
    while (start > copied && isLocalChar(text.charCodeAt(start - 1))) start--;
    if (domain === null || start === at) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    out += `${text.slice(copied, start)}***@${domain[0].toLowerCase()}`;
    copied = DOMAIN.lastIndex;
    at = text.indexOf('@', copied);
  }
  return copied === 0 ? text : out + text.slice(copied);
}
